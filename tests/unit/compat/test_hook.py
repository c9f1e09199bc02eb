import importlib.util
import sys
from pathlib import Path

import pytest

from ftserver.compat import hook
from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from ftserver.strategy.loader import load_strategy

STRATEGY = """
from freqtrade.strategy import IStrategy, stoploss_from_open, timeframe_to_minutes
from freqtrade.persistence import Trade, Order
from freqtrade.enums import RunMode, CandleType, SignalDirection, ExitType
from freqtrade.exchange import timeframe_to_prev_date
import freqtrade.vendor.qtpylib.indicators as qtpylib


class FromFreqtrade(IStrategy):
    timeframe = "5m"
    minutes = timeframe_to_minutes("1h")

    def populate_indicators(self, dataframe, metadata):
        dataframe["up"] = qtpylib.crossed_above(dataframe["close"], dataframe["open"])
        return dataframe
"""


@pytest.fixture
def strategy_dir(tmp_path: Path) -> Path:
    (tmp_path / "from_freqtrade.py").write_text(STRATEGY)
    return tmp_path


def _drop_freqtrade_modules() -> None:
    for name in [n for n in sys.modules if n == "freqtrade" or n.startswith("freqtrade.")]:
        del sys.modules[name]


def test_a_strategy_importing_freqtrade_names_loads_as_an_ftserver_strategy(strategy_dir: Path) -> None:
    strategy = load_strategy("FromFreqtrade", [strategy_dir])
    assert isinstance(strategy, Strategy)
    assert type(strategy).__mro__[1] is Strategy  # IStrategy is ftserver's Strategy itself
    assert type(strategy).minutes == 60


def test_freqtrade_resolves_to_ftserver_even_when_a_real_freqtrade_comes_first_on_sys_path(
    strategy_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "site" / "freqtrade"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise RuntimeError('the real freqtrade was imported')\n")
    monkeypatch.syspath_prepend(str(fake.parent))
    _drop_freqtrade_modules()
    strategy = load_strategy("FromFreqtrade", [strategy_dir])
    import freqtrade.strategy

    assert freqtrade.strategy.IStrategy is Strategy
    assert isinstance(strategy, Strategy)


def test_a_real_freqtrade_imported_before_the_hook_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "freqtrade", type(sys)("freqtrade"))
    hook.install()
    import freqtrade

    assert freqtrade.__name__ == "ftserver.compat.freqtrade"


def test_an_unknown_freqtrade_module_names_itself_and_says_ftserver_lacks_it() -> None:
    hook.install()
    with pytest.raises(ModuleNotFoundError, match=r"ftserver does not provide freqtrade\.freqai yet"):
        __import__("freqtrade.freqai")


def test_an_unknown_name_from_a_freqtrade_module_says_ftserver_lacks_it() -> None:
    hook.install()
    with pytest.raises(ImportError, match=r"freqtrade\.strategy\.IFreqaiModel: ftserver does not provide"):
        exec("from freqtrade.strategy import IFreqaiModel", {})


def test_a_strategy_file_with_an_unknown_freqtrade_import_fails_with_that_name(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("from freqtrade.freqai import X\nclass Bad: pass\n")
    with pytest.raises(StrategyError, match=r"freqtrade\.freqai"):
        load_strategy("Bad", [tmp_path])


def test_other_modules_are_left_to_the_normal_finders() -> None:
    assert hook.target_name("freqtrade_client") is None
    assert hook.target_name("freqtrade.enums") == "ftserver.compat.freqtrade.enums"


def test_freqtrade_submodules_strategies_import_directly_resolve_to_the_same_objects() -> None:
    hook.install()
    from freqtrade.exchange import date_minus_candles
    from freqtrade.strategy.informative_decorator import informative
    from freqtrade.strategy.interface import IStrategy
    from freqtrade.strategy.strategy_helper import merge_informative_pair, stoploss_from_open

    from ftserver.data import timeframes
    from ftserver.strategy import informative as informative_module
    from ftserver.strategy import stoploss_math

    assert IStrategy is Strategy
    assert informative is informative_module.informative
    assert merge_informative_pair is informative_module.merge_informative_pair
    assert stoploss_from_open is stoploss_math.stoploss_from_open
    assert date_minus_candles is timeframes.date_minus_candles


def test_parameter_classes_come_from_ftserver_or_fail_naming_the_class() -> None:
    hook.install()
    if importlib.util.find_spec("ftserver.strategy.parameters") is None:
        with pytest.raises(ImportError, match=r"freqtrade\.strategy\.IntParameter: ftserver does not provide"):
            exec("from freqtrade.strategy import IntParameter", {})
        namespace: dict[str, object] = {}
        exec("from freqtrade.strategy import *", namespace)  # still works without them
        assert namespace["IStrategy"] is Strategy
    else:
        from freqtrade.strategy import IntParameter

        from ftserver.strategy import parameters

        assert IntParameter is parameters.IntParameter
