"""The game's LivePlayer and LiveAnswer under short names, one-tap answers, and a small
phone game played straight into the store's recorder."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from skillsapp.live.data import LiveAnswer, LivePlayer

T0 = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)


# The game's own records: the storage is tested with exactly what the game hands it.
Player = LivePlayer
Answer = LiveAnswer


def answer(game_id: str, player_id: str, question_id: str, choice: int, right: int = 0) -> Answer:
    """``player_id``'s one-tap answer ``choice`` to a question whose right option is ``right``."""
    return Answer(
        game_id,
        player_id,
        question_id,
        (choice,),
        choice == right,
        1000 if choice == right else 0,
        T0 + datetime.timedelta(seconds=5),
        5000,
    )


def play(store, session_id: str, players: Sequence[Player], questions, choices) -> str:
    """A whole game as the hall server would record it: joins, one answer per player and
    question (``choices[p][q]``), a reveal of each question's tally, the end."""
    game_id = store.live_games.start(session_id, [q.id for q in questions], speed_bonus=False)
    recorder = store.live_games.recorder()
    for player in players:
        recorder.player_joined(game_id, player)
    for index, question in enumerate(questions):
        counts = [0] * len(question.options)
        for player, picked in zip(players, choices, strict=True):
            choice = picked[index]
            if choice is None:
                continue
            counts[choice] += 1
            recorder.answer_recorded(
                game_id, answer(game_id, player.id, question.id, choice, question.correct[0])
            )
        recorder.question_revealed(game_id, question.id, tuple(counts))
    recorder.game_finished(game_id)
    recorder.close()
    return game_id
