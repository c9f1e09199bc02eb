"""``ftserver install-ui``: unpack a single-page UI release (for example a FreqUI zip) into
``user_data/ui``, from where ``api_server.ui_path`` can serve it instead of ftserver's own UI."""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ftserver.errors import InvalidRequest

UI_VERSION_FILE = ".uiversion"  # read back by GET /ui_version
DEFAULT_MAX_ENTRIES = 10_000  # a FreqUI release has about 200
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a FreqUI release unpacks to about 10 MB
_CHUNK = 64 * 1024


def _members(
    archive: zipfile.ZipFile, max_entries: int, max_unpacked_bytes: int
) -> tuple[list[zipfile.ZipInfo], PurePosixPath]:
    """The archive's files and the folder inside it that holds index.html (often the root)."""
    entries = archive.infolist()
    if len(entries) > max_entries:
        raise InvalidRequest(f"the archive has {len(entries)} entries; a UI release may have at most {max_entries}")
    files = [info for info in entries if not info.is_dir()]
    for info in files:
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
            raise InvalidRequest(f"refusing to unpack {info.filename!r}: it points outside the UI folder")
    names = {PurePosixPath(info.filename) for info in files}
    for name in names:
        for parent in name.parents:
            if parent in names:
                raise InvalidRequest(f"refusing to unpack {str(parent)!r}: it is both a file and a folder")
    if sum(info.file_size for info in files) > max_unpacked_bytes:
        raise InvalidRequest(f"the archive unpacks to more than {_megabytes(max_unpacked_bytes)}")
    indexes = sorted(
        (PurePosixPath(info.filename) for info in files if PurePosixPath(info.filename).name == "index.html"),
        key=lambda path: len(path.parts),
    )
    if not indexes:
        raise InvalidRequest("the archive has no index.html: it is not a single-page UI release")
    return files, indexes[0].parent


def install_ui(
    archive_path: Path,
    target: Path,
    *,
    version: str | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> str:
    """Replace ``target`` with the UI in ``archive_path``; returns the version recorded for it.

    A bad archive raises ``InvalidRequest`` and leaves ``target`` as it was and no staging folder.
    """
    if not archive_path.is_file():
        raise InvalidRequest(f"{archive_path} does not exist")
    if not zipfile.is_zipfile(archive_path):
        raise InvalidRequest(f"{archive_path} is not a zip file")
    staging = target.with_name(target.name + ".installing")
    shutil.rmtree(staging, ignore_errors=True)
    installed = False
    try:
        with zipfile.ZipFile(archive_path) as archive:
            files, root = _members(archive, max_entries, max_unpacked_bytes)
            unpacked = 0
            for info in files:
                name = PurePosixPath(info.filename)
                if not name.is_relative_to(root):
                    continue  # beside the UI's folder (a README at the archive's top, say)
                destination = staging.joinpath(*name.relative_to(root).parts)
                unpacked += _unpack(archive, info, destination, max_unpacked_bytes - unpacked)
        recorded = version or read_ui_version(staging) or archive_path.stem
        (staging / UI_VERSION_FILE).write_text(recorded + "\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        installed = True
        return recorded
    except zipfile.BadZipFile as exc:
        raise InvalidRequest(f"{archive_path} is a damaged zip file: {exc}") from None
    except OSError as exc:
        raise InvalidRequest(f"cannot unpack {archive_path}: {exc.strerror or exc}") from None
    finally:
        if not installed:
            shutil.rmtree(staging, ignore_errors=True)


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, budget: int) -> int:
    """Copy one entry, at most ``budget`` bytes of it; returns the bytes written.

    Declared sizes are checked before anything is unpacked, but an archive can lie about them:
    the bytes actually coming out are counted too.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(info) as source, destination.open("wb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise InvalidRequest(
                        f"{info.filename!r} holds more data than the {info.file_size} bytes it declares"
                    )
                if written > budget:
                    raise InvalidRequest(f"{info.filename!r} unpacks past the archive's size limit")
                sink.write(chunk)
    except (EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise InvalidRequest(f"{info.filename!r} is damaged: {exc}") from None
    return written


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


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
