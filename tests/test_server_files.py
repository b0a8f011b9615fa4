"""The server's data folder is private to its user (issue 16 item 6): folder 0700,
SQLite files 0600 from before the first byte of data, the signing key created 0600,
looser modes on an existing folder tightened at start; published packs stay 0644."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from content_helpers import BUNDLED, STRICT_BUNDLED

pytest.importorskip("fastapi")
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

from skillsapp.server.app import build_services  # noqa: E402
from skillsapp.server.config import ServerConfig  # noqa: E402


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_is_private_from_the_start(tmp_path):
    old_umask = os.umask(0o022)  # the usual umask: without care, files would be 0644
    try:
        config = ServerConfig(tmp_path / "server")
        services = build_services(config)
        services.accounts.create_organiser("tinh", "mat-khau-tinh", "province")  # WAL written
        from skillsapp.server.publish import publish_pack

        manifest = publish_pack(
            services.engine, services.key, config.packs_dir, BUNDLED, strict=STRICT_BUNDLED
        )
    finally:
        os.umask(old_umask)
    try:
        database = config.data_dir / "server.db"
        assert _mode(config.data_dir) == 0o700
        for suffix in ("", "-wal", "-shm"):
            assert Path(f"{database}{suffix}").exists()
            assert _mode(Path(f"{database}{suffix}")) == 0o600, suffix
        assert _mode(config.key_file) == 0o600
        assert not list(config.data_dir.glob("*.partial"))
        pack = config.packs_dir / f"{manifest['id']}-{manifest['version']}.zip"
        assert _mode(pack) == 0o644  # public content, behind the 0700 folder
    finally:
        services.engine.dispose()


def test_the_signing_key_is_never_on_disk_with_wider_modes(tmp_path, monkeypatch):
    from skillsapp.server import keys

    opened: list[tuple[str, int, int]] = []
    real_open = os.open

    def spy(path, flags, mode=0o777, *args, **kwargs):
        opened.append((str(path), flags, mode))
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    chmods: list[str] = []
    monkeypatch.setattr(os, "chmod", lambda path, *a, **k: chmods.append(str(path)))
    old_umask = os.umask(0)  # even with no umask at all
    try:
        key = keys.load_or_create_key(tmp_path / "server-key.txt")
    finally:
        os.umask(old_umask)
    created = [(p, f, m) for p, f, m in opened if p.endswith(".partial")]
    assert len(created) == 1
    _path, flags, mode = created[0]
    assert mode == 0o600 and flags & os.O_CREAT and flags & os.O_EXCL
    assert chmods == []  # created private, not made private afterwards
    assert _mode(tmp_path / "server-key.txt") == 0o600
    assert keys.load_or_create_key(tmp_path / "server-key.txt").encode() == key.encode()


def test_an_existing_folder_with_loose_modes_is_tightened_at_start(tmp_path, caplog):
    config = ServerConfig(tmp_path / "server")
    build_services(config).engine.dispose()
    database = config.data_dir / "server.db"
    os.chmod(config.data_dir, 0o755)
    os.chmod(database, 0o644)
    os.chmod(config.key_file, 0o644)
    with caplog.at_level(logging.WARNING, logger="skillsapp.server.private_files"):
        build_services(config).engine.dispose()
    assert _mode(config.data_dir) == 0o700
    assert _mode(database) == 0o600 and _mode(config.key_file) == 0o600
    messages = [r.getMessage() for r in caplog.records]
    assert "server data folder was readable by other users; now 0700" in messages
    assert any("server.db" in m and "now 0600" in m for m in messages)
