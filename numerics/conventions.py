"""Other writings of momentum (velocity, EMA, Sutskever, PyTorch, seed 003); see numerics.methods."""
