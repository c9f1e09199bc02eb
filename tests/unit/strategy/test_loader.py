import logging
import re
from pathlib import Path

import pytest

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from ftserver.strategy.loader import builtin_strategy_dir, list_strategies, load_strategy, strategy_file


def write_strategy(folder: Path, name: str, body: str = "    pass", *, filename: str | None = None) -> Path:
    path = folder / (filename or f"{name.lower()}.py")
    path.write_text(
        "from ftserver.strategy.base import Strategy\n\n\n"
        f"class {name}(Strategy):\n    timeframe = '15m'\n    stoploss = -0.2\n{body}\n",
        encoding="utf-8",
    )
    return path


def test_user_strategy_is_loaded_from_its_folder(tmp_path: Path) -> None:
    write_strategy(tmp_path, "MyStrat")
    strategy = load_strategy("MyStrat", [tmp_path, builtin_strategy_dir()])
    assert isinstance(strategy, Strategy)
    assert (strategy.name, strategy.timeframe, strategy.stoploss) == ("MyStrat", "15m", -0.2)
    assert strategy.dp is None


def test_builtin_sample_strategy_loads_without_user_folder() -> None:
    assert load_strategy("SampleStrategy", [builtin_strategy_dir()]).name == "SampleStrategy"


def test_config_values_override_strategy_attributes(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_strategy(tmp_path, "MyStrat")
    config = {
        "timeframe": "1m",
        "minimal_roi": {"0": 0.02, "5": 0.01},
        "stoploss": -0.03,
        "trailing_stop": True,
        "trailing_stop_positive": 0.01,
        "trailing_stop_positive_offset": 0.02,
        "trailing_only_offset_is_reached": True,
        "max_open_trades": 3,
    }
    with caplog.at_level(logging.INFO, logger="ftserver.strategy.loader"):
        strategy = load_strategy("MyStrat", [tmp_path], config)
    assert (strategy.timeframe, strategy.stoploss, strategy.trailing_stop) == ("1m", -0.03, True)
    assert (strategy.trailing_stop_positive, strategy.trailing_stop_positive_offset) == (0.01, 0.02)
    assert strategy.trailing_only_offset_is_reached is True
    assert strategy.min_roi_at(6) == 0.01
    assert strategy.config["max_open_trades"] == 3
    assert "stoploss overridden by the config: -0.03" in caplog.text
    assert type(strategy).stoploss == -0.2  # the class itself is left alone


def test_null_config_values_keep_the_strategy_values(tmp_path: Path) -> None:
    write_strategy(tmp_path, "MyStrat")
    strategy = load_strategy("MyStrat", [tmp_path], {"timeframe": None, "stoploss": None, "minimal_roi": None})
    assert (strategy.timeframe, strategy.stoploss, strategy.minimal_roi) == ("15m", -0.2, {})


def test_not_found_lists_the_strategies_and_logs_the_folders(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_strategy(tmp_path, "Alpha")
    with caplog.at_level(logging.INFO, logger="ftserver.strategy.loader"), pytest.raises(StrategyError) as info:
        load_strategy("Missing", [tmp_path, builtin_strategy_dir()])
    message = str(info.value)
    assert "Strategy 'Missing' not found" in message
    assert "Alpha, SampleStrategy" in message
    assert str(tmp_path) not in message  # the message reaches API clients; the folders go to the log
    assert str(tmp_path) in caplog.text and str(builtin_strategy_dir()) in caplog.text


def test_file_that_fails_to_import_is_named_with_the_error(tmp_path: Path) -> None:
    write_strategy(tmp_path, "Broken", "    x = 1 / 0")
    with pytest.raises(StrategyError) as info:
        load_strategy("Broken", [tmp_path])
    message = str(info.value)
    assert "Strategy 'Broken' could not be loaded" in message
    assert "broken.py" in message and str(tmp_path) not in message
    assert "ZeroDivisionError: division by zero" in message


def test_syntax_error_is_reported_even_when_the_file_name_differs(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("class Fancy(Strategy:\n    pass\n", encoding="utf-8")
    with pytest.raises(StrategyError, match=r"mine\.py failed to import: SyntaxError"):
        load_strategy("Fancy", [tmp_path])


def test_broken_sibling_file_does_not_block_a_good_strategy(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "broken.py").write_text("import nonexistent_module_xyz\n", encoding="utf-8")
    (tmp_path / "quits.py").write_text("import sys\nsys.exit(3)\n", encoding="utf-8")
    write_strategy(tmp_path, "GoodOne")
    with caplog.at_level(logging.WARNING):
        assert load_strategy("GoodOne", [tmp_path]).name == "GoodOne"
    assert "broken.py" in caplog.text and "ModuleNotFoundError" in caplog.text
    assert "quits.py" in caplog.text and "SystemExit" in caplog.text


def test_strategy_whose_constructor_fails_is_reported(tmp_path: Path) -> None:
    write_strategy(tmp_path, "Picky", "    def __init__(self, config):\n        raise ValueError('needs an API key')")
    with pytest.raises(StrategyError, match=r"Strategy 'Picky' \(.*picky\.py\) could not be created: ValueError"):
        load_strategy("Picky", [tmp_path])


def test_underscore_files_and_subfolders_are_skipped(tmp_path: Path) -> None:
    write_strategy(tmp_path, "Hidden", filename="_hidden.py")
    (tmp_path / "nested").mkdir()
    write_strategy(tmp_path / "nested", "Nested")
    assert list_strategies([tmp_path]) == []


def test_first_folder_wins_for_a_duplicate_name(tmp_path: Path) -> None:
    user, other = tmp_path / "user", tmp_path / "other"
    user.mkdir()
    other.mkdir()
    write_strategy(user, "Twin", "    stoploss = -0.05")
    write_strategy(other, "Twin", "    stoploss = -0.07")
    assert load_strategy("Twin", [user, other]).stoploss == -0.05
    assert strategy_file("Twin", [other, user]) == other / "twin.py"


def test_same_file_name_in_two_folders_does_not_collide(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    write_strategy(one, "First", filename="strategy.py")
    write_strategy(two, "Second", filename="strategy.py")
    assert list_strategies([one, two]) == ["First", "Second"]
    assert load_strategy("First", [one, two]).name == "First"
    assert load_strategy("Second", [one, two]).name == "Second"


def test_list_strategies_is_sorted_without_duplicates(tmp_path: Path) -> None:
    write_strategy(tmp_path, "Zeta")
    write_strategy(tmp_path, "Alpha")
    write_strategy(tmp_path, "SampleStrategy")
    assert list_strategies([tmp_path, builtin_strategy_dir()]) == ["Alpha", "SampleStrategy", "Zeta"]


def test_imported_base_classes_are_not_listed_twice(tmp_path: Path) -> None:
    write_strategy(tmp_path, "Base")
    (tmp_path / "derived.py").write_text(
        "from ftserver.strategy.builtin.sample_strategy import SampleStrategy\n\n\n"
        "class Derived(SampleStrategy):\n    pass\n",
        encoding="utf-8",
    )
    assert list_strategies([tmp_path]) == ["Base", "Derived"]


def test_strategy_file_finds_the_defining_file(tmp_path: Path) -> None:
    write_strategy(tmp_path, "Alpha", filename="several.py")
    assert strategy_file("Alpha", [tmp_path, builtin_strategy_dir()]) == tmp_path / "several.py"
    assert strategy_file("SampleStrategy", [tmp_path, builtin_strategy_dir()]).name == "sample_strategy.py"
    with pytest.raises(StrategyError, match=re.escape("Strategy 'Nope' not found")) as info:
        strategy_file("Nope", [tmp_path])
    assert str(tmp_path) not in str(info.value)


def test_missing_folder_is_tolerated(tmp_path: Path) -> None:
    assert list_strategies([tmp_path / "does-not-exist", builtin_strategy_dir()]) == ["SampleStrategy"]


def test_a_user_file_that_fails_to_import_is_not_replaced_by_a_builtin_of_the_same_name(tmp_path: Path) -> None:
    # A user's own sample_strategy.py whose imports fail must not silently become ftserver's SampleStrategy.
    (tmp_path / "sample_strategy.py").write_text(
        "from a_module_nobody_has import IStrategy\n\n\nclass SampleStrategy(IStrategy):\n    timeframe = '5m'\n",
        encoding="utf-8",
    )
    with pytest.raises(StrategyError) as info:
        load_strategy("SampleStrategy", [tmp_path, builtin_strategy_dir()])
    message = str(info.value)
    assert "sample_strategy.py" in message
    assert "ModuleNotFoundError: No module named 'a_module_nobody_has'" in message
    assert str(tmp_path) not in message


def test_a_broken_file_of_another_strategy_in_a_later_folder_does_not_block_a_user_strategy(tmp_path: Path) -> None:
    user, later = tmp_path / "user", tmp_path / "later"
    user.mkdir()
    later.mkdir()
    write_strategy(user, "MyStrat")
    (later / "mystrat_old.py").write_text("import a_module_nobody_has\n\nclass MyStrat:\n    pass\n", encoding="utf-8")
    assert load_strategy("MyStrat", [user, later]).name == "MyStrat"
