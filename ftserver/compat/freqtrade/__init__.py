"""ftserver's stand-in for the ``freqtrade`` package, reached through ``ftserver.compat.hook``."""

__version__ = "ftserver-compat"
