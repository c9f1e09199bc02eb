"""Strategies shipped with ftserver; found after the user's strategy_path."""
