"""Heavy-ball (Polyak form) and Nesterov (Lessard form) update rules; see numerics.methods."""
