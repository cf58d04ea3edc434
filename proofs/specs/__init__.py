"""FormSpec modules; see proofs.methods."""
