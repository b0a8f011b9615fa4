"""Installing and removing packs, from a folder or a ``.zip`` (a USB stick).

An install is all or nothing: the pack is unpacked and checked in a staging
folder, copied into place, and indexed in one transaction. A pack with any
error is refused with every problem listed. Progress and results refer to
content by id, so updating or removing a pack never touches them.

>>> result = install_pack(store, Path("E:/goi-noi-dung.zip"))    # doctest: +SKIP
>>> result.pack.id, result.replaced_version                       # doctest: +SKIP
('ky-nang-so-co-ban', '1.0.0')
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from skillsapp.content.bundled_state import bundled_packs, fingerprint
from skillsapp.content.checker import CheckReport, check_pack
from skillsapp.content.problems import Problem
from skillsapp.content.yamlfile import load_yaml
from skillsapp.errors import ContentError
from skillsapp.i18n import _
from skillsapp.models import Pack

log = logging.getLogger(__name__)

MAX_ZIP_BYTES = 200 * 1024 * 1024  # a compressed pack larger than this is refused
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 20_000
MAX_RATIO = 200  # compression ratio above which a member looks like a zip bomb

Progress = Callable[[str], None]


class PackRejected(ContentError):
    """The pack has errors; ``problems`` lists each one with file and line."""

    def __init__(self, where: str, problems: list[Problem], summary: str) -> None:
        self.problems = problems
        self.summary = summary
        super().__init__(where, summary)

    def user_message(self) -> str:
        lines = [
            _("The pack {source} was not installed because it has errors:").format(
                source=self.where
            )
        ]
        lines += [f"  {p}" for p in self.problems if p.severity == "error"][:50]
        lines.append(self.summary)
        return "\n".join(lines)


@dataclass
class InstallResult:
    pack: Pack
    report: CheckReport
    replaced_version: str | None


def _safe_member_path(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        return None
    return path


def extract_zip(archive: Path, target: Path) -> None:
    """Unpack ``archive`` into ``target``, refusing anything unsafe before writing."""
    where = archive.name
    try:
        if archive.stat().st_size > MAX_ZIP_BYTES:
            raise ContentError(
                where,
                _("the file is larger than {limit} MB; a content pack is much smaller").format(
                    limit=MAX_ZIP_BYTES // (1024 * 1024)
                ),
            )
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise ContentError(where, _("the file is not a valid .zip archive")) from exc
    except OSError as exc:
        raise ContentError(
            where, _("the file cannot be read ({reason}).").format(reason=exc.strerror)
        ) from exc
    with bundle:
        members = bundle.infolist()
        if len(members) > MAX_FILES:
            raise ContentError(
                where, _("the archive holds too many files ({count})").format(count=len(members))
            )
        total = 0
        for member in members:
            path = _safe_member_path(member.filename)
            if path is None:
                raise ContentError(
                    where,
                    _("the archive contains a path that leaves its folder: {name}").format(
                        name=member.filename
                    ),
                )
            mode = member.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ContentError(
                    where,
                    _("the archive contains a link, which is not allowed: {name}").format(
                        name=member.filename
                    ),
                )
            if member.file_size > MAX_FILE_BYTES:
                raise ContentError(
                    where,
                    _("{name} inside the archive is too large ({size} MB)").format(
                        name=member.filename, size=member.file_size // (1024 * 1024)
                    ),
                )
            if (
                member.compress_size
                and member.file_size / member.compress_size > MAX_RATIO
                and member.file_size > 1024 * 1024
            ):
                raise ContentError(
                    where,
                    _("{name} inside the archive expands suspiciously (a zip bomb?)").format(
                        name=member.filename
                    ),
                )
            total += member.file_size
        if total > MAX_UNPACKED_BYTES:
            raise ContentError(
                where,
                _("the archive would unpack to more than {limit} MB").format(
                    limit=MAX_UNPACKED_BYTES // (1024 * 1024)
                ),
            )
        for member in members:
            path = _safe_member_path(member.filename)
            assert path is not None
            destination = target.joinpath(*path.parts)
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with bundle.open(member) as source, open(destination, "wb") as sink:
                # Count what is really written: the sizes in the header can lie.
                while chunk := source.read(1024 * 1024):
                    written += len(chunk)
                    if written > MAX_FILE_BYTES:
                        raise ContentError(
                            where,
                            _("{name} inside the archive is too large").format(
                                name=member.filename
                            ),
                        )
                    sink.write(chunk)


def _find_pack_root(folder: Path) -> Path:
    if (folder / "pack.yaml").is_file():
        return folder
    children = [c for c in folder.iterdir() if c.is_dir() and not c.name.startswith(("__", "."))]
    if len(children) == 1 and (children[0] / "pack.yaml").is_file():
        return children[0]
    return folder


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".*"))


def install_pack(store, source: Path, progress: Progress | None = None) -> InstallResult:
    """Check and install the pack in folder or zip ``source``; raises on any error."""
    say = progress or (lambda _message: None)
    packs_dir = store.paths.packs
    packs_dir.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        raise ContentError(source, _("the file or folder does not exist"))
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=packs_dir))
    try:
        if source.is_file():
            if source.suffix.lower() != ".zip":
                raise ContentError(source.name, _("choose a pack folder or a .zip file"))
            say(_("Unpacking {name}…").format(name=source.name))
            extract_zip(source, staging / "unpacked")
            root = _find_pack_root(staging / "unpacked")
        else:
            root = _find_pack_root(source)
        say(_("Checking the pack…"))
        # Item-quality rules are for writers and the province's publishing, not installing.
        # What `content check` read of these very files is not read again.
        report = check_pack(root, quality=False, cache=store.paths.read_packs)
        if not report.ok:
            raise PackRejected(source.name, report.problems, report.summary())
        pack = report.read.pack
        say(_("Copying files…"))
        placed = staging / "pack"
        _copy_tree(root, placed)
        checksum = fingerprint(placed)
        final = packs_dir / pack.id
        previous = store.content.pack_row(pack.id)
        old = None
        if final.exists():
            old = packs_dir / f".old-{pack.id}-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
        placed.rename(final)
        say(_("Saving the index…"))
        try:
            store.content.index_pack(pack, final, checksum)
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            if old is not None:
                old.rename(final)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        log.info("installed pack %s %s", pack.id, pack.version)
        return InstallResult(pack, report, previous["version"] if previous else None)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_pack(store, pack_id: str) -> None:
    """Remove a pack's files and index. Progress, attempts and contests stay."""
    store.content.unindex_pack(pack_id)
    shutil.rmtree(store.paths.packs / pack_id, ignore_errors=True)


def ensure_bundled_content(store, progress: Progress | None = None) -> list[str]:
    """Install or update the packs shipped with the app when they changed. Returns ids installed."""
    installed = []
    for folder in bundled_packs():
        meta = load_yaml((folder / "pack.yaml").read_text(encoding="utf-8-sig"), "pack.yaml") or {}
        row = store.content.pack_row(str(meta.get("id", "")))
        if (
            row
            and row["version"] == str(meta.get("version"))
            and row["checksum"] == fingerprint(folder)
        ):
            continue
        try:
            result = install_pack(store, folder, progress)
        except ContentError as exc:
            log.error("bundled pack %s not installed: %s", folder.name, type(exc).__name__)
            raise
        installed.append(result.pack.id)
    return installed
