"""Writing recipes."""
