"""FormSpecs for 'momentum'; see proofs.methods."""
