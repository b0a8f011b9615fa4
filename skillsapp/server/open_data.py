"""Open data: participation per commune, for anyone, with no sign-in.

Only counts leave here: no names, ID numbers, phones, dates of birth or villages.
Entrants are counted once per person however many PCs they used.

    curl http://127.0.0.1:8765/api/v1/open-data/participation.json
    curl -o tham-gia.csv http://127.0.0.1:8765/api/v1/open-data/participation.csv

No CSV field can start a formula (``reports.cells.csv_row``).
"""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from skillsapp.reports.cells import csv_row
from skillsapp.server.participation import participation
from skillsapp.storage.ids import utc_now_iso

router = APIRouter(prefix="/api/v1/open-data", tags=["open data"])

CSV_HEADERS = (
    "commune_code",
    "commune_name",
    "entrants",
    "attempts",
    "full_scores",
    "lessons_completed",
    "sessions",
    "session_attendance",
)


class CommuneParticipation(BaseModel):
    commune_code: str | None = Field(
        description="5-digit commune code; null for records with no commune"
    )
    commune_name: str
    entrants: int = Field(description="people registered for any contest (one per ID number)")
    attempts: int = Field(description="contest attempts received")
    full_scores: int = Field(description="attempts with every answer right")
    lessons_completed: int
    sessions: int = Field(description="group sessions reported")
    session_attendance: int = Field(description="people counted at those sessions")


class Participation(BaseModel):
    generated_at: str
    communes: list[CommuneParticipation]


def _rows(request: Request) -> list[CommuneParticipation]:
    found = participation(request.app.state.services.engine)
    return [
        CommuneParticipation(**{name: getattr(item, name) for name in CSV_HEADERS})
        for item in found
    ]


@router.get(
    "/participation.json", response_model=Participation, summary="Participation per commune (JSON)"
)
def participation_json(request: Request) -> Participation:
    return Participation(generated_at=utc_now_iso(), communes=_rows(request))


@router.get(
    "/participation.csv",
    response_class=Response,
    summary="Participation per commune (CSV, UTF-8 with BOM)",
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "one row per commune; columns as in the JSON",
        }
    },
)
def participation_csv(request: Request) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS)
    for row in _rows(request):
        writer.writerow(csv_row(getattr(row, name) for name in CSV_HEADERS))
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tham-gia-theo-xa.csv"'},
    )
