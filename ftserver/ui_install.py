"""``ftserver install-ui``: unpack a single-page UI release (for example a FreqUI zip) into
``user_data/ui``, from where ``api_server.ui_path`` can serve it instead of ftserver's own UI."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from ftserver.errors import InvalidRequest

UI_VERSION_FILE = ".uiversion"  # read back by GET /ui_version
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def _members(archive: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], PurePosixPath]:
    """The archive's files and the folder inside it that holds index.html (often the root)."""
    files = [info for info in archive.infolist() if not info.is_dir()]
    for info in files:
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
            raise InvalidRequest(f"refusing to unpack {info.filename!r}: it points outside the UI folder")
    if sum(info.file_size for info in files) > MAX_UNPACKED_BYTES:
        raise InvalidRequest(f"the archive unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
    indexes = sorted(
        (PurePosixPath(info.filename) for info in files if PurePosixPath(info.filename).name == "index.html"),
        key=lambda path: len(path.parts),
    )
    if not indexes:
        raise InvalidRequest("the archive has no index.html: it is not a single-page UI release")
    return files, indexes[0].parent


def install_ui(archive_path: Path, target: Path, *, version: str | None = None) -> str:
    """Replace ``target`` with the UI in ``archive_path``; returns the version recorded for it."""
    if not archive_path.is_file():
        raise InvalidRequest(f"{archive_path} does not exist")
    if not zipfile.is_zipfile(archive_path):
        raise InvalidRequest(f"{archive_path} is not a zip file")
    staging = target.with_name(target.name + ".installing")
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive_path) as archive:
        files, root = _members(archive)
        for info in files:
            name = PurePosixPath(info.filename)
            if not name.is_relative_to(root):
                continue  # beside the UI's folder (a README at the archive's top, say)
            destination = staging.joinpath(*name.relative_to(root).parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    recorded = version or read_ui_version(staging) or archive_path.stem
    (staging / UI_VERSION_FILE).write_text(recorded + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return recorded


def erase_ui(target: Path) -> bool:
    if not target.exists():
        return False
    shutil.rmtree(target)
    return True


def read_ui_version(folder: Path) -> str | None:
    """The version recorded for the UI in ``folder`` (None when there is none)."""
    try:
        return (folder / UI_VERSION_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
