"""theory/: SymPy derivations of convergence results. SymPy (and mpmath) only."""
from .derivation import CheckStatus, Check, Derivation, DerivationError, Step, StepOutcome, is_zero
from .evaluate import to_float, to_mpf

__all__ = ["CheckStatus", "Check", "Derivation", "DerivationError", "Step", "StepOutcome", "is_zero", "to_float", "to_mpf"]
