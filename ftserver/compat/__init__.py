"""freqtrade's import surface for user strategies: ``freqtrade.*`` names served by ftserver's own modules."""
