"""FormSpecs for 'conventions'; see proofs.methods."""
