"""The organiser page for one ID number claimed by several PCs (``/review/entrants``):
who claimed it, from which PC and commune, and a decision, same person or not, recorded
with who, when and why (``entrant_review.decide``). Commune organisers see the cases that touch
their commune and decide those wholly inside it; the province decides the rest."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from skillsapp.server import entrant_review
from skillsapp.server.publish import load_contests
from skillsapp.server.web_common import STALE_FORM, Signed, csrf_ok, refuse, render, server_services

router = APIRouter(include_in_schema=False)

DECIDED = {
    "same": "Đã ghi nhận: đây là cùng một người, các phiếu được gộp thành một người dự thi.",
    "apart": "Đã ghi nhận: đây là những người khác nhau, mỗi phiếu là một người dự thi.",
}


def _commune(visit) -> str | None:
    return None if visit.is_province else visit.organiser.commune_code


def _page(request: Request, visit, error: str | None = None, done: str | None = None, status=200):
    engine = server_services(request).engine
    commune = _commune(visit)
    conflicts = entrant_review.pending_conflicts(engine, commune)
    titles = {c.id: c.title for c in load_contests(engine).values()}
    return render(
        "review_entrants.html",
        visit,
        status=status,
        title="Trùng số định danh",
        page="review_entrants",
        conflicts=conflicts,
        titles=titles,
        commune=commune,
        history=entrant_review.decisions(engine, commune=commune),
        error=error,
        done=DECIDED.get(done or ""),
    )


@router.get("/review/entrants", response_class=HTMLResponse)
def review_entrants(request: Request, visit: Signed, done: str | None = None):
    return _page(request, visit, done=done)


@router.post("/review/entrants", response_class=HTMLResponse)
def decide_entrant(
    request: Request,
    visit: Signed,
    csrf: Annotated[str, Form(max_length=200)] = "",
    contest_id: Annotated[str, Form(max_length=100)] = "",
    id_hash: Annotated[str, Form(max_length=64)] = "",
    registrations: Annotated[str, Form(max_length=2000)] = "",
    decision: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
):
    if not csrf_ok(visit, csrf):
        return refuse(visit, 403, STALE_FORM)
    try:
        entrant_review.decide(
            server_services(request).engine,
            contest_id,
            id_hash,
            decision,
            reason,
            visit.organiser.username,
            [r for r in registrations.split(",") if r],
            _commune(visit),
        )
    except entrant_review.DecisionRefused as exc:
        return _page(request, visit, error=str(exc), status=400)
    return RedirectResponse(f"/review/entrants?done={quote(decision)}", status_code=303)
