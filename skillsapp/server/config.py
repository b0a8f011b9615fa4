"""Server settings: where its database, key and published packs live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path
    database_url: str = ""
    max_body_bytes: int = 8 * 1024 * 1024
    max_records: int = 2000
    max_clock_skew_s: int = 2 * 3600
    session_hours: int = 12
    # Reverse proxies whose X-Forwarded-For is believed (see sign_in_guard); none by default.
    trusted_proxies: tuple[str, ...] = ()
    # Batches one server process ingests at once, and how long another waits for its turn
    # before a 503 (ingest_gate.py); SKILLSAPP_INGEST_AT_ONCE sets the first.
    ingest_at_once: int = 2
    ingest_wait_s: float = 20.0
    # Processes (per web process) that verify and store batches at a lower CPU priority so
    # organisers' pages stay quick under load (ingest_processes.py); 0: the web process
    # does it. SKILLSAPP_INGEST_PROCESSES sets it.
    ingest_processes: int = 0

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'server.db'}"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "server-key.txt"

    @property
    def packs_dir(self) -> Path:
        return self.data_dir / "packs"

    @classmethod
    def from_env(cls, data_dir: str | None = None, database_url: str | None = None) -> ServerConfig:
        folder = Path(data_dir or os.environ.get("SKILLSAPP_SERVER_DIR") or "skillsapp-server")
        proxies = os.environ.get("SKILLSAPP_TRUSTED_PROXIES", "")
        return cls(
            folder,
            database_url or os.environ.get("SKILLSAPP_DATABASE_URL", ""),
            trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
            ingest_at_once=int(os.environ.get("SKILLSAPP_INGEST_AT_ONCE") or 2),
            ingest_processes=int(os.environ.get("SKILLSAPP_INGEST_PROCESSES") or 0),
        )
