"""FormSpecs for 'gd'; see proofs.methods."""
