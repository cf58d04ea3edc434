"""Claim modules, one per topic; see proofs.registry."""
