"""Candles: timeframes, frames, the live candle cache and stored history."""
