"""The review page: flagged attempts wait here, out of every ranking, until an
organiser accepts or rejects each one with a reason (who and when are recorded,
and the decision goes to the audit log).

A commune organiser sees and decides only their commune's attempts (the
registration's commune, else the PC's, as on every other page); a province
organiser sees all. A decision on an attempt outside the organiser's scope is
refused with 403 whatever the form says.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from skillsapp.server import reports as server_reports
from skillsapp.server import review
from skillsapp.server.accounts import storable
from skillsapp.server.publish import load_contests
from skillsapp.server.web_common import (
    STALE_FORM,
    Signed,
    Visit,
    commune_scope,
    csrf_ok,
    refuse,
    render,
    server_services,
)

router = APIRouter(include_in_schema=False)

WAITING_SHOWN = 200  # oldest first; the rest appear as these are decided
DECISION_WORDS = {review.ACCEPTED: "chấp nhận", review.REJECTED: "loại"}


def _titles(engine) -> dict[tuple[str, str | None], str]:
    """(contest, round) and (contest, None) -> the titles organisers know them by."""
    titles: dict[tuple[str, str | None], str] = {}
    for contest in load_contests(engine).values():
        titles[(contest.id, None)] = contest.title
        for found in contest.rounds:
            titles[(contest.id, found.id)] = found.title
    return titles


def _page(
    request: Request,
    visit: Visit,
    status: int = 200,
    error: str | None = None,
    done: str | None = None,
    form: dict | None = None,
) -> HTMLResponse:
    engine = server_services(request).engine
    scope, _refusal = commune_scope(visit, None)
    return render(
        "review.html",
        visit,
        status=status,
        title="Xem xét bài thi",
        page="review",
        waiting=review.review_rows(engine, scope, limit=WAITING_SHOWN),
        waiting_total=review.awaiting_count(engine, commune=scope),
        decided=review.review_rows(engine, scope, decided=True, limit=50),
        titles=_titles(engine),
        flag_text=server_reports.flag_text,
        words=DECISION_WORDS,
        error=error,
        done=done,
        form=form or {},
        max_reason=review.MAX_REASON,
    )


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, visit: Signed, done: str | None = None):
    decided = None
    if done:
        decided = next(
            (
                row
                for row in review.review_rows(
                    server_services(request).engine, commune_scope(visit, None)[0], True, 50
                )
                if row.attempt_id == done
            ),
            None,
        )
    message = None
    if decided is not None:
        word = DECISION_WORDS.get(decided.review_status or "", "")
        name = decided.full_name or "(không rõ tên)"
        message = f"Đã {word} bài thi của {name}."
    return _page(request, visit, done=message)


@router.post("/review/{attempt_id}", response_class=HTMLResponse)
def decide(
    request: Request,
    attempt_id: str,
    visit: Signed,
    csrf: Annotated[str, Form(max_length=200)] = "",
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
):
    if not csrf_ok(visit, csrf):
        return refuse(visit, 403, STALE_FORM)
    services = server_services(request)
    found = review.target(services.engine, attempt_id) if storable(attempt_id) else None
    if found is None or not found.flagged:
        return refuse(
            visit,
            404,
            "Không có bài thi nào cần xem xét như vậy. Có thể danh sách đã thay đổi; "
            "hãy tải lại trang.",
            title="Không tìm thấy",
        )
    if not visit.organiser.may_see(found.commune_code):
        return refuse(
            visit,
            403,
            "Bài thi này không thuộc xã, phường của bạn nên bạn không xem xét được. "
            "Người tổ chức cấp tỉnh hoặc của xã, phường đó sẽ xem xét.",
        )
    reason = reason.strip()
    form = {"attempt": attempt_id, "decision": decision, "reason": reason}
    problem = None
    if decision not in review.DECISIONS:
        problem = "Hãy chọn “Chấp nhận” hoặc “Loại” cho bài thi này."
    elif not reason:
        problem = (
            "Hãy ghi lý do (ví dụ: đã gọi điện hỏi tổ trưởng, bài làm đúng là của người dự thi). "
            "Quyết định chưa được lưu."
        )
    elif len(reason) > review.MAX_REASON or not storable(reason):
        problem = f"Lý do dài quá {review.MAX_REASON} ký tự hoặc có ký tự không hợp lệ. Hãy viết ngắn lại."
    if problem:
        return _page(request, visit, status=400, error=problem, form=form)
    at = review.decide(services.engine, attempt_id, decision, reason, visit.organiser.username)
    services.accounts.audit(
        visit.organiser.username,
        "review_attempt",
        {
            "attempt": attempt_id,
            "contest": found.contest_id,
            "round": found.round_id,
            "decision": decision,
            "previous": found.review_status,
            "reason": reason,
            "at": at,
        },
    )
    return RedirectResponse(f"/review?done={quote(attempt_id)}", status_code=303)
