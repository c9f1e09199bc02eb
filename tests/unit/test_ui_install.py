"""``ftserver install-ui``: unpacking a UI release into user_data/ui."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ftserver.cli import main
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


def _lying_zip(path: Path, *, actual: bytes, declared: int) -> Path:
    """A zip whose entry ``big.js`` declares ``declared`` uncompressed bytes but holds ``actual``."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", "<html>")
        archive.writestr("big.js", actual)
    data = bytearray(path.read_bytes())
    size = len(actual).to_bytes(4, "little")
    lie = declared.to_bytes(4, "little")
    local = data.index(b"big.js") - 30  # the local header's fixed part is 30 bytes, then the name
    assert data[local + 22 : local + 26] == size
    data[local + 22 : local + 26] = lie
    central = data.rindex(b"big.js") - 46  # the central entry's fixed part is 46 bytes
    assert data[central + 24 : central + 28] == size
    data[central + 24 : central + 28] = lie
    path.write_bytes(bytes(data))
    return path


def _no_staging_left(tmp_path: Path) -> bool:
    return not (tmp_path / "user_data" / "ui.installing").exists() and not (tmp_path / "user_data" / "ui").exists()


def test_entry_larger_than_it_declares_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    archive = _lying_zip(tmp_path / "lying.zip", actual=b"\0" * 1_000_000, declared=10)
    with pytest.raises(InvalidRequest, match=r"big\.js"):
        install_ui(archive, tmp_path / "user_data" / "ui")
    assert _no_staging_left(tmp_path)


def test_file_and_folder_of_the_same_name_are_refused_and_nothing_is_left(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "clash.zip", {"index.html": "<html>", "a": "file", "a/b": "inside"})
    with pytest.raises(InvalidRequest, match="'a'"):
        install_ui(archive, tmp_path / "user_data" / "ui")
    assert _no_staging_left(tmp_path)


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    files = {"index.html": "<html>"} | {f"assets/{i}.js": "" for i in range(20)}
    archive = make_zip(tmp_path / "many.zip", files)
    with pytest.raises(InvalidRequest, match=r"21 entries.*at most 20"):
        install_ui(archive, tmp_path / "user_data" / "ui", max_entries=20)
    assert _no_staging_left(tmp_path)
    assert install_ui(archive, tmp_path / "user_data" / "ui", max_entries=21)


def test_default_entry_cap_refuses_100000_entries(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "flood.zip", "w") as archive:
        archive.writestr("index.html", "<html>")
        for i in range(100_000):
            archive.writestr(f"{i}", b"")
    with pytest.raises(InvalidRequest, match="entries"):
        install_ui(tmp_path / "flood.zip", tmp_path / "user_data" / "ui")
    assert _no_staging_left(tmp_path)


def test_declared_total_above_the_cap_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "big.zip", {"index.html": "<html>", "a.js": "x" * 2000})
    with pytest.raises(InvalidRequest, match="more than"):
        install_ui(archive, tmp_path / "user_data" / "ui", max_unpacked_bytes=1000)
    assert _no_staging_left(tmp_path)


def test_failure_while_unpacking_removes_the_staging_folder(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "ok.zip", {"index.html": "<html>", "a.js": "js"})
    data = bytearray(archive.read_bytes())
    start = data.index(b"a.js") + 4  # a.js's stored bytes follow its local header's name
    data[start : start + 2] = b"JS"  # CRC no longer matches
    archive.write_bytes(bytes(data))
    with pytest.raises(InvalidRequest, match=r"a\.js"):
        install_ui(archive, tmp_path / "user_data" / "ui")
    assert _no_staging_left(tmp_path)


@pytest.mark.parametrize("kind", ["lying", "clash"])
def test_cli_refuses_a_bad_archive_with_exit_2_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    if kind == "lying":
        archive = _lying_zip(tmp_path / "bad.zip", actual=b"\0" * 100_000, declared=10)
    else:
        archive = make_zip(tmp_path / "bad.zip", {"index.html": "<html>", "a": "file", "a/b": "inside"})
    code = main(["install-ui", "--file", str(archive), "--user-data-dir", str(tmp_path / "user_data")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _no_staging_left(tmp_path)
