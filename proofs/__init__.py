"""proofs/: claims that join a theory/ derivation with its numerics/ confirmation and published values."""
from .claim import Claim, ClaimOutcome, Comparison, Evidence, Guarantee, Reference

__all__ = ["Claim", "ClaimOutcome", "Comparison", "Evidence", "Guarantee", "Reference"]
