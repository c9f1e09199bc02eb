"""Research outside the live loop: stored candles analyzed by any strategy, strategy browsing."""
