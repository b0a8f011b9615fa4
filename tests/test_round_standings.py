"""The round ranking SQLite computes for exports agrees with the engine's rules.

The engine (:mod:`skillsapp.engine.ranking`) is the reference; the store's SQL version
(:mod:`skillsapp.storage.round_standings`) streams the same ranking without holding the
round in memory. Random rounds are written into a real store and ranked both ways."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillsapp.engine.ranking import rank_round
from skillsapp.storage import open_store, round_standings

BASE = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))

rows_strategy = st.lists(
    st.tuples(
        st.integers(0, 5),  # entrant (-1 below: an attempt without a registration)
        st.integers(0, 3),  # score out of 3
        st.integers(1, 3),  # duration: few values, so ties happen
        st.integers(0, 4),  # minute
        st.one_of(st.none(), st.integers(0, 5)),  # prediction
        st.booleans(),  # written in Vietnam time rather than UTC
        st.booleans(),  # registered
    ),
    min_size=1,
    max_size=30,
)


def fill(store, rows, distinct_times: bool) -> None:
    profile = store.profiles.create("Người dự thi")
    communes = ["00070", "00004", None]
    with store.db.atomic():
        for entrant in range(6):
            store.db.execute(
                "INSERT INTO registrations (id, profile_id, contest_id, full_name, commune_code, "
                "complete, created_at) VALUES (?, ?, 'c', ?, ?, ?, ?)",
                [
                    f"r{entrant}",
                    profile.id,
                    f"Người {entrant}",
                    communes[entrant % 3],
                    entrant % 2,
                    BASE.isoformat(),
                ],
            )
        for index, (entrant, score, duration, minute, guess, vietnam, registered) in enumerate(
            rows
        ):
            # For "first" and "last" an entrant's two attempts at one instant would make the
            # engine's choice depend on the order rows come back: keep instants apart there.
            moment = BASE + datetime.timedelta(
                minutes=minute, seconds=index if distinct_times else 0
            )
            written = (moment.astimezone(VIETNAM) if vietnam else moment).isoformat()
            store.db.execute(
                "INSERT INTO attempts (id, profile_id, kind, contest_id, round_id, registration_id, "
                "started_at, submitted_at, status, score, max_score, duration_ms, prediction, "
                "created_at) VALUES (?, ?, 'contest', 'c', 'v1', ?, ?, ?, 'submitted', ?, 3, ?, ?, ?)",
                [
                    f"a{index:03d}",
                    profile.id,
                    f"r{entrant}" if registered else None,
                    BASE.isoformat(),
                    written,
                    score,
                    duration * 1000,
                    guess,
                    BASE.isoformat(),
                ],
            )


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows_strategy,
    st.sampled_from(["best", "first", "last"]),
    st.sampled_from(["full_score_count", "entrant_count", "none"]),
)
def test_sql_ranking_agrees_with_the_engine(tmp_path_factory, rows, counting, prediction):
    store = open_store(tmp_path_factory.mktemp("pc"))
    try:
        fill(store, rows, distinct_times=counting != "best")
        expected, figure = rank_round(store.attempts.round_results("c", "v1"), counting, prediction)
        found = round_standings.standing(store.db, "c", "v1", counting, prediction)
        assert (found.entrants, found.true_figure) == (len(expected), figure)
        assert found.full_scores == sum(1 for r in expected if r.result.full_score)
        got = list(round_standings.ranking(store.db, "c", "v1", counting, figure))
        assert [(r.rank, r.result.attempt_id, r.prediction_gap) for r in got] == [
            (r.rank, r.result.attempt_id, r.prediction_gap) for r in expected
        ]
        # The first N are the first N of the whole ranking.
        top = list(round_standings.ranking(store.db, "c", "v1", counting, figure, limit=3))
        assert top == got[:3]
    finally:
        store.close()


def test_commune_totals_count_only_the_attempts_that_count(tmp_path):
    store = open_store(tmp_path / "pc")
    try:
        # Entrant 0 (commune 00070) plays twice: only the best counts; entrant 1 (00004) once.
        fill(
            store,
            [
                (0, 1, 1, 0, None, False, True),
                (0, 3, 1, 1, None, False, True),
                (1, 2, 1, 2, None, True, True),
            ],
            distinct_times=False,
        )
        totals = sorted(
            round_standings.commune_totals(store.db, "c", "v1", "best"), key=lambda t: t[0]
        )
        assert totals == [("00004", 1, 0, 2.0), ("00070", 1, 1, 3.0)]
    finally:
        store.close()
