"""Moving what start-up built out of the cyclic garbage collector's sight, once per process.

A started bot holds tens of thousands of long-lived objects (modules, the strategy, markets, the
app's routes). Every full collection walks all of them again, and the first trading-loop iteration,
which allocates a whole history of candles per pair, runs several such collections: about a tenth of
that iteration's time. ``gc.freeze`` puts everything alive at that moment into the permanent
generation, so later collections only look at what was allocated since. Objects that die later are
still freed by reference counting; only reference cycles among the frozen objects are kept, and
start-up builds few of those.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_heap() -> bool:
    """Collect once, then freeze what survives; only the first call in a process does it (True then)."""
    global _frozen
    if _frozen:
        return False
    gc.collect()
    gc.freeze()
    _frozen = True
    return True
