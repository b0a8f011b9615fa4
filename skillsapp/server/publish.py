"""Publishing packs and contests from the province: checked, zipped, signed.

The server keeps its own copy of every published question, so it can re-score
every attempt it receives, and every version of every contest it ever published
(``contest_versions``, keyed by :func:`skillsapp.engine.draw.contest_version`),
so an attempt drawn under an older version still verifies after a republish.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from nacl.signing import SigningKey
from sqlalchemy import Engine, delete, select
from sqlalchemy.engine import Connection

from skillsapp.content.checker import check_pack
from skillsapp.content.install import PackRejected
from skillsapp.content.serialize import (
    contest_from_dict,
    contest_to_dict,
    question_from_dict,
    question_to_dict,
)
from skillsapp.engine.draw import contest_version
from skillsapp.models import Contest, Question
from skillsapp.server import db, rankings
from skillsapp.storage.ids import utc_now_iso
from skillsapp.sync.signing import sign

_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # zips are byte-identical for the same files


def zip_pack(root: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root).as_posix()
            if any(part.startswith(".") or part == "__pycache__" for part in Path(rel).parts):
                continue
            info = zipfile.ZipInfo(rel, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes())


def publish_pack(
    engine: Engine, key: SigningKey, packs_dir: Path, root: Path, strict: bool = True
) -> dict:
    """Check the pack, zip and sign it, and record its questions and contests. Returns the manifest.

    The province publishes strictly: a pack with any warning (item-quality rules included,
    ``skillsapp content check --strict``) is refused with the list of problems.
    """
    report = check_pack(root, strict=strict)
    if not report.ok:
        raise PackRejected(root.name, report.problems, report.summary())
    pack = report.read.pack
    target = packs_dir / f"{pack.id}-{pack.version}.zip"
    zip_pack(root, target)
    data = target.read_bytes()
    manifest = {
        "id": pack.id,
        "version": pack.version,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    signature = sign(key, manifest)
    now = utc_now_iso()
    with engine.begin() as conn:
        conn.execute(delete(db.packs).where(db.packs.c.id == pack.id))
        conn.execute(
            db.packs.insert().values(
                id=pack.id,
                version=pack.version,
                manifest=json.dumps(manifest),
                signature=signature,
                file=str(target),
                published_at=now,
            )
        )
        conn.execute(delete(db.questions).where(db.questions.c.pack_id == pack.id))
        conn.execute(
            db.questions.insert(),
            [
                {
                    "id": q.id,
                    "pack_id": pack.id,
                    "data": json.dumps(question_to_dict(q), ensure_ascii=False),
                }
                for q in pack.questions
            ],
        )
    for contest in pack.contests:
        publish_contest(engine, key, contest)
    return manifest


def publish_contest(engine: Engine, key: SigningKey, contest: Contest) -> None:
    """Make ``contest`` the current version, keeping every earlier version for verification."""
    data = contest_to_dict(contest)
    text = json.dumps(data, ensure_ascii=False)
    now = utc_now_iso()
    with engine.begin() as conn:
        conn.execute(delete(db.contests).where(db.contests.c.id == contest.id))
        conn.execute(
            db.contests.insert().values(
                id=contest.id, data=text, signature=sign(key, data), published_at=now
            )
        )
        record_contest_version(conn, text, now)
        rankings.bump(conn, [contest.id])  # its rules may have changed (rankings.py)
        from skillsapp.server import round_bests  # it reads the contests this module writes

        round_bests.rebuild(conn, [contest.id])


def record_contest_version(conn: Connection, data: str, published_at: str) -> str:
    """Keep this contest definition (JSON text) in the version history; returns its version."""
    contest = contest_from_dict(json.loads(data))
    version = contest_version(contest)
    known = conn.execute(
        select(db.contest_versions.c.version).where(
            db.contest_versions.c.contest_id == contest.id,
            db.contest_versions.c.version == version,
        )
    ).first()
    if known is None:
        conn.execute(
            db.contest_versions.insert().values(
                contest_id=contest.id, version=version, data=data, published_at=published_at
            )
        )
    return version


def load_contest_versions(engine: Engine) -> dict[str, dict[str, Contest]]:
    """Every published version of every contest: ``{contest_id: {version: contest}}``."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(db.contest_versions.c.contest_id, db.contest_versions.c.data).order_by(
                db.contest_versions.c.published_at
            )
        ).all()
    found: dict[str, dict[str, Contest]] = {}
    for row in rows:
        contest = contest_from_dict(json.loads(row.data))
        found.setdefault(row.contest_id, {})[contest_version(contest)] = contest
    return found


def load_contests(engine: Engine) -> dict[str, Contest]:
    with engine.connect() as conn:
        rows = conn.execute(select(db.contests.c.id, db.contests.c.data)).all()
    return {r.id: contest_from_dict(json.loads(r.data)) for r in rows}


def load_all_questions(engine: Engine) -> list[Question]:
    """Every question the server holds: the pool verification re-draws attempts from."""
    with engine.connect() as conn:
        rows = conn.execute(select(db.questions.c.data)).all()
    return [question_from_dict(json.loads(row.data)) for row in rows]


def load_questions(engine: Engine, ids: set[str]) -> dict[str, Question]:
    found: dict[str, Question] = {}
    wanted = sorted(ids)
    with engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in conn.execute(
                select(db.questions.c.data).where(db.questions.c.id.in_(chunk))
            ):
                question = question_from_dict(json.loads(row.data))
                found[question.id] = question
    return found
