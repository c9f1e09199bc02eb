"""Pairlist handlers (one module each), their registry and the chain that runs them."""
