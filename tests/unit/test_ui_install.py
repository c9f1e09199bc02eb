"""``ftserver install-ui``: unpacking a UI release into user_data/ui."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ftserver.errors import InvalidRequest
from ftserver.ui_install import erase_ui, install_ui


def make_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_release_with_files_at_the_top(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "freqUI.zip", {"index.html": "<html>", "assets/index-1.js": "js"})
    target = tmp_path / "user_data" / "ui"
    assert install_ui(archive, target, version="2.1.0") == "2.1.0"
    assert (target / "index.html").read_text() == "<html>"
    assert (target / "assets" / "index-1.js").read_text() == "js"
    assert (target / ".uiversion").read_text() == "2.1.0\n"


def test_release_inside_one_folder_is_unpacked_from_that_folder(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "ui-3.0.zip",
        {"README.txt": "about", "dist/index.html": "<html>", "dist/assets/a.js": "js", "dist/.uiversion": "3.0.1"},
    )
    target = tmp_path / "ui"
    assert install_ui(archive, target) == "3.0.1"  # the release's own version file wins over the name
    assert sorted(p.name for p in target.iterdir()) == [".uiversion", "assets", "index.html"]


def test_version_defaults_to_the_archive_name(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "frequi-2.2.zip", {"index.html": "x"})
    assert install_ui(archive, tmp_path / "ui") == "frequi-2.2"


def test_reinstall_replaces_the_old_files(tmp_path: Path) -> None:
    target = tmp_path / "ui"
    install_ui(make_zip(tmp_path / "a.zip", {"index.html": "a", "old.js": "old"}), target)
    install_ui(make_zip(tmp_path / "b.zip", {"index.html": "b"}), target)
    assert not (target / "old.js").exists()
    assert (target / "index.html").read_text() == "b"


@pytest.mark.parametrize("name", ["../evil.html", "/etc/evil.html", "a/../../evil.html"])
def test_paths_leaving_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    archive = make_zip(tmp_path / "bad.zip", {"index.html": "x", name: "evil"})
    with pytest.raises(InvalidRequest, match="outside"):
        install_ui(archive, tmp_path / "ui")
    assert not (tmp_path / "evil.html").exists()
    assert not (tmp_path / "ui").exists()


def test_archive_without_index_or_not_a_zip(tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest, match=r"index\.html"):
        install_ui(make_zip(tmp_path / "x.zip", {"app.js": "js"}), tmp_path / "ui")
    (tmp_path / "text.zip").write_text("not a zip")
    with pytest.raises(InvalidRequest, match="not a zip"):
        install_ui(tmp_path / "text.zip", tmp_path / "ui")
    with pytest.raises(InvalidRequest, match="does not exist"):
        install_ui(tmp_path / "missing.zip", tmp_path / "ui")


def test_erase(tmp_path: Path) -> None:
    target = tmp_path / "ui"
    install_ui(make_zip(tmp_path / "a.zip", {"index.html": "a"}), target)
    assert erase_ui(target) is True
    assert not target.exists()
    assert erase_ui(target) is False
