"""``freqtrade.vendor.qtpylib``."""
