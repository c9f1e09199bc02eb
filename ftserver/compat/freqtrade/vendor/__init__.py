"""``freqtrade.vendor``."""
