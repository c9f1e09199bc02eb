"""Protections (one module each): pure decisions over closed trades that say which lock to take."""
