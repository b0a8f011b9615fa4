"""The SQLite index of installed content: what screens and the engine read.

Startup reads these rows instead of parsing pack files.

>>> store.content.lessons()[0].title          # doctest: +SKIP
'Dùng điện thoại, máy tính an toàn'
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from skillsapp import json_codec
from skillsapp.content.serialize import (
    contest_from_dict,
    contest_to_dict,
    lesson_from_dict,
    lesson_to_dict,
    question_from_dict,
    question_to_dict,
)
from skillsapp.engine.draw import QuestionBank
from skillsapp.models import Contest, Lesson, Pack, Question, Topic
from skillsapp.storage.connection import Database
from skillsapp.storage.ids import utc_now_iso


def _question_json(question: Question) -> str:
    """A question's ``data`` column: compact JSON by orjson (the standard library's
    encoder took a third of indexing a 10,000-question bank), read back by ``json.loads``
    as the same values; with weights orjson cannot write (NaN and infinities, which it
    would make null), the standard library's JSON, as before."""
    data = question_to_dict(question)
    if all(math.isfinite(weight) for weight in question.weights):
        return json_codec.dumps_text(data)
    return json.dumps(data, ensure_ascii=False)


class ContentIndex:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._questions: dict[str, Question] | None = None
        self._bank: QuestionBank | None = None

    # -- writing (used by skillsapp.content.install) --------------------------------
    def index_pack(self, pack: Pack, folder: Path, checksum: str) -> None:
        """Replace the pack's rows in one transaction."""
        now = utc_now_iso()
        meta = {
            "summary": pack.summary,
            "summary_en": pack.summary_en,
            "audience": pack.audience,
            "licence": pack.licence,
            "sources": [s.__dict__ for s in pack.sources],
            "topics": [t.__dict__ for t in pack.topics],
        }
        with self.db.atomic():
            self.db.execute("DELETE FROM lessons WHERE pack_id = ?", [pack.id])
            self.db.execute("DELETE FROM questions WHERE pack_id = ?", [pack.id])
            self.db.table("packs").upsert(
                {
                    "id": pack.id,
                    "version": pack.version,
                    "title": pack.title,
                    "title_en": pack.title_en,
                    "language": pack.language,
                    "path": str(folder),
                    "checksum": checksum,
                    "installed_at": now,
                    "data": json.dumps(meta, ensure_ascii=False),
                },
                pk="id",
            )
            self.db.table("lessons").insert_all(
                (
                    {
                        "id": lesson.id,
                        "pack_id": pack.id,
                        "topic": lesson.topic,
                        "ord": lesson.order,
                        "title": lesson.title,
                        "title_en": lesson.title_en,
                        "minutes": lesson.minutes,
                        "path": lesson.path,
                        "data": json.dumps(lesson_to_dict(lesson), ensure_ascii=False),
                    }
                    for lesson in pack.lessons
                ),
                batch_size=500,
            )
            # One executemany: sqlite-utils' insert_all builds each chunk's SQL and
            # parameters in Python, a third of its time on a 10,000-question bank.
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO questions (id, pack_id, topic, difficulty, data)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        q.id,
                        pack.id,
                        q.topic,
                        q.difficulty,
                        _question_json(q),
                    )
                    for q in pack.questions
                ),
            )
            for contest in pack.contests:
                existing = self.db.execute(
                    "SELECT created_at FROM contests WHERE id = ?", [contest.id]
                ).fetchone()
                self.db.table("contests").upsert(
                    {
                        "id": contest.id,
                        "pack_id": pack.id,
                        "source": "pack",
                        "title": contest.title,
                        "data": json.dumps(contest_to_dict(contest), ensure_ascii=False),
                        "created_at": existing[0] if existing else now,
                        "updated_at": now,
                    },
                    pk="id",
                )
        self.forget_cache()

    def forget_cache(self) -> None:
        """Drop cached questions (another connection may have changed the index)."""
        self._questions = None
        self._bank = None

    def unindex_pack(self, pack_id: str) -> None:
        """Forget a pack's lessons and questions; contests stay so their results stay readable."""
        with self.db.atomic():
            self.db.execute("DELETE FROM lessons WHERE pack_id = ?", [pack_id])
            self.db.execute("DELETE FROM questions WHERE pack_id = ?", [pack_id])
            self.db.execute("DELETE FROM packs WHERE id = ?", [pack_id])
        self.forget_cache()

    def save_contest(self, contest: Contest, source: str = "local") -> None:
        now = utc_now_iso()
        existing = self.db.execute(
            "SELECT created_at FROM contests WHERE id = ?", [contest.id]
        ).fetchone()
        with self.db.atomic():
            self.db.table("contests").upsert(
                {
                    "id": contest.id,
                    "pack_id": contest.pack_id or None,
                    "source": source,
                    "title": contest.title,
                    "data": json.dumps(contest_to_dict(contest), ensure_ascii=False),
                    "created_at": existing[0] if existing else now,
                    "updated_at": now,
                },
                pk="id",
            )

    # -- reading ----------------------------------------------------------------------
    def pack_row(self, pack_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, version, title, title_en, path, checksum, installed_at, data FROM packs WHERE id = ?",
            [pack_id],
        ).fetchone()
        if not row:
            return None
        keys = ("id", "version", "title", "title_en", "path", "checksum", "installed_at", "data")
        return dict(zip(keys, row, strict=True))

    def packs(self) -> list[dict[str, Any]]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM packs ORDER BY title")]
        return [row for row in (self.pack_row(i) for i in ids) if row]

    def topics(self) -> list[Topic]:
        found: dict[str, Topic] = {}
        for (data,) in self.db.execute("SELECT data FROM packs ORDER BY id"):
            for topic in json.loads(data).get("topics", []):
                found.setdefault(topic["id"], Topic(**topic))
        return sorted(found.values(), key=lambda t: (t.order, t.id))

    def lessons(self) -> list[Lesson]:
        rows = self.db.execute("SELECT data FROM lessons ORDER BY ord, id")
        return [lesson_from_dict(json.loads(r[0])) for r in rows]

    def lesson(self, lesson_id: str) -> Lesson | None:
        row = self.db.execute("SELECT data FROM lessons WHERE id = ?", [lesson_id]).fetchone()
        return lesson_from_dict(json.loads(row[0])) if row else None

    def lesson_folder(self, lesson: Lesson) -> Path:
        row = self.pack_row(lesson.pack_id)
        base = Path(row["path"]) if row else Path()
        return (base / lesson.path).parent

    def pack_folder(self, pack_id: str) -> Path | None:
        row = self.pack_row(pack_id)
        return Path(row["path"]) if row else None

    def question(self, question_id: str) -> Question | None:
        row = self.db.execute("SELECT data FROM questions WHERE id = ?", [question_id]).fetchone()
        return question_from_dict(json.loads(row[0])) if row else None

    def questions(self, ids: list[str] | tuple[str, ...]) -> list[Question]:
        """Questions in the order of ``ids``; ids no longer installed are left out."""
        found = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for qid, data in self.db.execute(
                f"SELECT id, data FROM questions WHERE id IN ({marks})", chunk
            ):
                found[qid] = question_from_dict(json.loads(data))
        return [found[i] for i in ids if i in found]

    def all_questions(self) -> dict[str, Question]:
        """Every installed question, cached until the index changes (contest draws use it)."""
        if self._questions is None:
            rows = self.db.execute("SELECT data FROM questions ORDER BY id")
            self._questions = {
                q.id: q for q in (question_from_dict(json.loads(r[0])) for r in rows)
            }
        return self._questions

    def adopt(self, questions: dict[str, Question], bank: QuestionBank) -> None:
        """Take questions and a bank built on another connection (a background thread),
        so the first contest draw does not parse 10,000 questions on the UI thread."""
        self._questions, self._bank = questions, bank

    def question_bank(self) -> QuestionBank:
        """Every installed question indexed for contest draws, built once."""
        if self._bank is None:
            self._bank = QuestionBank(self.all_questions().values())
        return self._bank

    def question_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM questions").fetchone()[0])

    def contests(self) -> list[Contest]:
        rows = self.db.execute("SELECT data FROM contests ORDER BY created_at, id")
        return [contest_from_dict(json.loads(r[0])) for r in rows]

    def contest_source(self, contest_id: str) -> str | None:
        """Where the saved contest came from: "pack", "local" (made or changed on this
        computer), or None when there is no such contest."""
        row = self.db.execute("SELECT source FROM contests WHERE id = ?", [contest_id]).fetchone()
        return str(row[0]) if row else None

    def contest(self, contest_id: str) -> Contest | None:
        row = self.db.execute("SELECT data FROM contests WHERE id = ?", [contest_id]).fetchone()
        return contest_from_dict(json.loads(row[0])) if row else None
