"""The trading decisions the live loop and the backtester share: when a trade exits (stoploss,
trailing, ROI, signals, the strategy's custom answers), whether a signal may open one, when an open
order has waited too long, how a position is adjusted, and which locks the protections ask for.

Nothing here places orders, moves money, touches the database or the bus, or awaits: a decision is
a function of a trade, a rate or candle, the time and the strategy (whose callbacks are asked here,
with freqtrade's arguments). Whoever acts on the decision (``bot`` live, ``backtest`` on history)
does the rest, so the two can never decide differently.
"""
