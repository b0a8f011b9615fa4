"""Reading the whole question bank into memory only when an area that draws from it opens.

A contest draw (and a group session's, and the contest editor's check) needs every
installed question parsed and indexed: with a 10,000-question bank that is about 0.5 s of
work and 16 MiB of memory. Done at every start, it delayed "ready" and stayed in memory
for residents who only read lessons or practise (practice reads its questions by id). So
it starts, off the UI thread, the first time one of ``DRAWING_AREAS`` is shown, and again
after content is installed once it was wanted. A draw that comes before it finishes builds
the bank itself, as it always could.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from skillsapp.ui.shell.context import AppContext

# The areas whose screens draw from the whole bank (skillsapp/flows/contest.py,
# group_session.py, the contest editor in the manage area).
DRAWING_AREAS = frozenset({"contests", "sessions", "manage"})


def warm_question_bank(context: AppContext) -> None:
    """Read and index every installed question off the UI thread, then hand the result
    to the store: the first contest draw is then instant even with 10,000 questions."""
    store = context.store
    if store is None:
        return

    def work(_progress):
        worker = store.for_thread()
        try:
            return worker.content.all_questions(), worker.content.question_bank()
        finally:
            worker.close()

    def done(result) -> None:
        if context.store is store:
            store.content.adopt(*result)

    context.tasks.start(work, done, lambda _exc: None)


class BankWarmup(QObject):
    """Warms the bank once a drawing area was shown and the store is open."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.wanted = False
        context.store_opened.connect(self._warm_if_wanted)

    def area_shown(self, key: str) -> None:
        if key in DRAWING_AREAS and not self.wanted:
            self.wanted = True
            self._warm_if_wanted()

    def content_installed(self) -> None:
        """The installed questions changed: the old bank was dropped with the cache."""
        self._warm_if_wanted()

    def _warm_if_wanted(self) -> None:
        if self.wanted and self.context.store is not None:
            warm_question_bank(self.context)
