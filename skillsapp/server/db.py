"""The server's database: SQLAlchemy Core tables, SQLite by default, PostgreSQL
for a province (several server processes share one database).

The tables here are the schema as it is now; ``migrations.py`` holds the numbered steps
that bring a database to it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
)

metadata = MetaData()

schema_steps = Table(
    "schema_steps",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)
organisers = Table(
    "organisers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(40), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),  # province | commune
    Column("commune_code", String(10)),
    Column("created_at", String(40), nullable=False),
)
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("organiser_id", String(36), ForeignKey("organisers.id"), nullable=False),
    Column("expires_at", String(40), nullable=False),
)
enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("commune_code", String(10)),
    Column("created_by", String(40), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("used_at", String(40)),
    Column("device_id", String(36)),
)
devices = Table(
    "devices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("commune_code", String(10)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("public_key", String(100), nullable=False),
    Column("enrolled_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
    Column("last_seen_at", String(40)),
)
questions = Table(
    "questions",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("pack_id", String(100), nullable=False),
    Column("data", Text, nullable=False),
)
contests = Table(
    "contests",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("data", Text, nullable=False),
    Column("signature", String(200), nullable=False),
    Column("published_at", String(40), nullable=False),
)
# Every version of every contest ever published (step 004): an attempt is verified against
# the version it was drawn under, even after the contest was published again.
contest_versions = Table(
    "contest_versions",
    metadata,
    Column("contest_id", String(100), primary_key=True),
    Column("version", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("published_at", String(40), nullable=False),
)
packs = Table(
    "packs",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("version", String(40), nullable=False),
    Column("manifest", Text, nullable=False),
    Column("signature", String(200), nullable=False),
    Column("file", String(500), nullable=False),
    Column("published_at", String(40), nullable=False),
)
registrations = Table(
    "registrations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("contest_id", String(100), nullable=False),
    Column("full_name", String(100), nullable=False),
    Column("date_of_birth", String(10)),
    Column("province_code", String(10)),
    Column("commune_code", String(10)),
    Column("village", String(100)),
    Column("participant_group", String(100)),
    Column("complete", Boolean, nullable=False, default=False),
    Column("received_at", String(40), nullable=False),
    # Step 006: ID number and phone sealed (personal_data.py), never in clear; the ID
    # number's keyed hash for matching; the device's own edit time (a later edit replaces
    # the row, a resend does not); who this registration counts as (entrants.py) and
    # whether two PCs claimed the same ID number.
    Column("id_number_sealed", String(120)),
    Column("phone_sealed", String(120)),
    Column("id_hash", String(64)),
    Column("updated_at", String(40)),
    Column("entrant_key", String(100)),
    Column("flagged", Boolean, nullable=False, default=False),
    Column("flag_reason", String(200)),
    Column("review", String(10)),  # None | pending | same | apart
    # Step 014: the masked forms (``001******345``), written with the sealed values, so a
    # masked export never opens every sealed value (rankings.masked_form).
    Column("id_number_masked", String(120)),
    Column("phone_masked", String(120)),
)
attempts = Table(
    "attempts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("contest_id", String(100), nullable=False),
    Column("round_id", String(100), nullable=False),
    Column("registration_id", String(36)),
    Column("seed", Integer, nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("server_score", Float),
    Column("flagged", Boolean, nullable=False, default=False),
    Column("flag_reason", String(200)),
    Column("duration_ms", Integer, nullable=False),
    Column("prediction", Integer),
    Column("data", Text, nullable=False),
    Column("received_at", String(40), nullable=False),
    Column("draw_version", Integer),  # step 004
    Column("contest_version", String(64)),  # step 004
    # Step 005: an organiser's decision on a flagged attempt (NULL while it awaits review).
    Column("review_status", String(20)),  # accepted | rejected
    Column("reviewed_by", String(40)),  # organiser username
    Column("reviewed_at", String(40)),
    Column("review_reason", Text),
)
# An answer is identified by its attempt and question (step 004), never by the id a device
# chose: a device-made id colliding with another attempt's must not drop this attempt's answer.
answers = Table(
    "answers",
    metadata,
    Column("attempt_id", String(36), ForeignKey("attempts.id"), primary_key=True),
    Column("question_id", String(100), primary_key=True),
    Column("device_answer_id", String(36)),
    Column("chosen", String(40), nullable=False),
    Column("mark", Float),
)
lesson_progress = Table(
    "lesson_progress",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("profile_id", String(36), nullable=False),
    Column("lesson_id", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("commune_code", String(10)),
    Column("completed_at", String(40)),
    Column("received_at", String(40), nullable=False),
)
session_reports = Table(
    "session_reports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("data", Text, nullable=False),
    Column("received_at", String(40), nullable=False),
)
audit_log = Table(  # who did something sensitive on the organiser pages, e.g. an unmasked export
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False),
)

personal_data_key = Table(  # the fingerprint of the key personal data is sealed with
    "personal_data_key",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)
entrant_reviews = Table(  # organisers' decisions on one ID number claimed by several PCs
    "entrant_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contest_id", String(100), nullable=False),
    Column("id_hash", String(64), nullable=False),
    Column("decision", String(10), nullable=False),  # same | apart
    Column("reason", Text, nullable=False),
    Column("registrations", Text, nullable=False),  # JSON list of the registration ids decided
    Column("decided_by", String(40), nullable=False),
    Column("decided_at", String(40), nullable=False),
)
# Step 012: per contest ("*": every contest), a counter bumped by every write that can
# change a ranking; cached rankings are valid only at the generation they were made at.
ranking_generations = Table(
    "ranking_generations",
    metadata,
    Column("contest_id", String(100), primary_key=True),
    Column("generation", Integer, nullable=False),
)
# Step 013: per (contest, round, entrant) the attempt that counts and what a ranking sorts
# and shows of it, kept up to date by every writer that can change it (round_bests.py).
round_bests = Table(
    "round_bests",
    metadata,
    Column("contest_id", String(100), primary_key=True),
    Column("round_id", String(100), primary_key=True),
    Column("entrant_key", String(100), primary_key=True),
    Column("attempt_id", String(36), nullable=False),
    Column("registration_id", String(36)),
    Column("device_id", String(36), nullable=False),
    Column("score", Float, nullable=False),  # the ranking's score (review.ranking_score)
    Column("max_score", Float, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("submitted_at", String(40), nullable=False),
    Column("submitted_us", BigInteger, nullable=False),  # the instant, microseconds since 1970
    Column("prediction", Integer),
    Column("flagged", Boolean, nullable=False),
    Column("flag_reason", String(200)),
)
sign_in_failures = Table(  # one wrong sign-in: by which name, from which address
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", String(40), nullable=False),
)
sign_in_accounts = Table(  # per user name: where its failure count restarts, and any lock
    "sign_in_accounts",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("counted_from", String(40), nullable=False),
    Column("locked_until", String(40)),
    Column("lockouts", Integer, nullable=False, default=0),
)


def make_engine(url: str) -> Engine:
    """An engine whose errors never carry the bound values (names, ID numbers, phones)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=10,
        hide_parameters=True,
        connect_args={"connect_timeout": 5} if url.startswith("postgresql") else {},
    )


def table_names(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()
