"""JsonStateFile: the small JSON files bans and revoked tokens are kept in."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ftserver.persistence.state_file import JsonStateFile


def test_a_saved_value_is_loaded_back_and_parent_folders_are_made(tmp_path: Path) -> None:
    store = JsonStateFile(tmp_path / "user_data" / "state.json")
    assert store.load() is None
    store.save({"bans": [["192.0.2.7", "ab12", 1.5]]})
    assert JsonStateFile(tmp_path / "user_data" / "state.json").load() == {"bans": [["192.0.2.7", "ab12", 1.5]]}


def test_saving_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = JsonStateFile(tmp_path / "state.json")
    store.save({"a": "x" * 1000})
    store.save({"a": 1})
    assert store.load() == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_failed_write_keeps_the_old_content(tmp_path: Path) -> None:
    store = JsonStateFile(tmp_path / "state.json")
    store.save({"a": 1})
    with pytest.raises(TypeError):
        store.save({"a": object()})  # not JSON: fails half-way through the write
    assert store.load() == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_corrupt_file_is_ignored_with_an_error_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "state.json").write_text("{not json")
    with caplog.at_level(logging.ERROR):
        assert JsonStateFile(tmp_path / "state.json").load() is None
    assert "not valid JSON" in caplog.text
