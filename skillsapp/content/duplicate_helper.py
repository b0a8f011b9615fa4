"""The near-duplicate search of ``content check`` in a second process, so that on a
machine with two cores it runs while the first reads the pack and runs the other rules.

The helper is started before the pack is read (a Python process takes a moment to
start and import rapidfuzz), gets the question texts and ``exclusive`` groups as JSON on
its standard input as soon as the pack is read (before the first process writes its read
cache and runs the other rules), and answers with
:func:`~skillsapp.content.duplicates.pair_indexes` of their stems as JSON on its standard
output: the very functions the first process would run, so the findings are the same. If anything goes wrong (no helper could start, it failed, its
answer cannot be read), the caller runs the search itself. A small pack, a machine with
one core or a frozen build (no ``python -m``) does not start one.

>>> helper = start_helper(Path("pack"))        # doctest: +SKIP
>>> helper.send(questions, 100)                # doctest: +SKIP
>>> helper.receive()                           # doctest: +SKIP
[(12, 4051, 93.5), ...]
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from skillsapp import json_codec
from skillsapp.models import Question

log = logging.getLogger(__name__)

# Question files smaller than this (about 2,000 questions) are searched in process: the
# search takes less time than starting a helper.
MIN_QUESTION_BYTES = 1_000_000


class SearchHelper:
    """A helper process, started and waiting for its one search."""

    command = (sys.executable, "-m", __name__)

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.sent = False

    def send(self, questions: Sequence[Question], limit: int) -> None:
        """Hand over the search for ``questions``' near-duplicates (the helper reads it
        all, then searches)."""
        assert self.process.stdin is not None
        request = {
            "texts": [q.text for q in questions],
            "groups": [q.exclusive for q in questions],
            "limit": limit,
        }
        try:
            self.process.stdin.write(json_codec.dumps_bytes(request))
            self.process.stdin.close()
            self.sent = True
        except OSError as exc:
            log.warning("near-duplicate helper not used: %s", type(exc).__name__)

    def receive(self) -> list[tuple[int, int, float]] | None:
        """The helper's answer to what was sent, or None when there is none to trust."""
        if not self.sent:
            return None
        assert self.process.stdout is not None
        try:
            answer = self.process.stdout.read()
            if self.process.wait() != 0:
                log.warning("near-duplicate helper failed (%s)", self.process.returncode)
                return None
            return [(int(i), int(j), float(score)) for i, j, score in json_codec.loads(answer)]
        except (OSError, ValueError, TypeError) as exc:
            log.warning("near-duplicate helper not used: %s", type(exc).__name__)
            return None

    def close(self) -> None:
        """End the helper if it is still running (a search not wanted after all)."""
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                stream.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _question_bytes(root: Path) -> int:
    try:
        return sum(path.stat().st_size for path in (root / "questions").glob("*.y*ml"))
    except OSError:
        return 0


def start_helper(root: Path) -> SearchHelper | None:
    """A helper for checking the pack at ``root``, when one is worth starting."""
    if getattr(sys, "frozen", False) or (os.cpu_count() or 1) < 2:
        return None
    if _question_bytes(root) < MIN_QUESTION_BYTES:
        return None
    try:
        return SearchHelper()
    except OSError as exc:
        log.warning("near-duplicate helper not started: %s", type(exc).__name__)
        return None


def main() -> None:
    from skillsapp.content.duplicates import pair_indexes, stem
    from skillsapp.content.gc_pause import collection_paused

    request = json_codec.loads(sys.stdin.buffer.read())
    with collection_paused():
        stems = [stem(text) for text in request["texts"]]
        pairs = pair_indexes(stems, request["groups"], request["limit"])
    sys.stdout.buffer.write(json_codec.dumps_bytes(pairs))


if __name__ == "__main__":
    main()
