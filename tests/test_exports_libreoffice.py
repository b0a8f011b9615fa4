"""The Excel exports as an organiser sees them: opened in a real spreadsheet
(LibreOffice, headless, converted to PDF) the names are whole, dates and times read
``08/12/2026 09:05`` and no cell shows ``###``. One app workbook and one server
workbook, converted in one LibreOffice start."""

import datetime
import re
import shutil
import subprocess

import pytest
from export_helpers import AFTER, CONTEST, LONG_NAME, NOW, play_round
from hostile import PLAYED_AT, HostileDevice
from web_helpers import signed_in

from skillsapp.reports.round_export import export_round

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice, Debian package libreoffice-calc-nogui) or pdftotext "
    "(poppler-utils) is not installed",
)

SERVER_NAME = "Trần Thị Hồng Nhung Phương"
# Vietnam's wall-clock time of a server attempt submitted 5 minutes after PLAYED_AT.
SERVER_SUBMITTED = "08/12/2026 09:05"
# A time shown the Vietnamese way, and what LibreOffice prints when a column is too narrow.
SHOWN_TIME = re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")


def as_pdf_text(workbooks, tmp_path) -> dict[str, str]:
    """Convert the workbooks to PDF in one LibreOffice run (own profile, so parallel
    runs do not collide) and return each PDF's text laid out as printed."""
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(out)]
        + [str(w) for w in workbooks],
        check=True,
        capture_output=True,
        timeout=240,
    )
    texts = {}
    for workbook in workbooks:
        pdf = out / f"{workbook.stem}.pdf"
        assert pdf.exists(), f"LibreOffice made no PDF of {workbook.name}"
        texts[workbook.stem] = subprocess.run(
            [PDFTOTEXT, "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    return texts


@pytest.mark.parametrize("province_server", ["sqlite"], indirect=True)
def test_app_and_server_workbooks_read_well_in_libreoffice(province_server, store, tmp_path):
    play_round(store, [LONG_NAME, "Lê Văn Cường"], village="Thôn Đông", group="Hội viên")
    (app_book,) = export_round(store, CONTEST, "tuan-1", "xlsx", tmp_path / "ung-dung.xlsx", AFTER)
    app_submitted = (NOW + datetime.timedelta(minutes=5)).astimezone().strftime("%d/%m/%Y %H:%M")

    device = HostileDevice(province_server, tmp_path)
    answer = device.send(device.honest_attempt(name=SERVER_NAME, moment=PLAYED_AT))
    assert answer["rejected"] == []
    organiser = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    download = organiser.get(
        f"{province_server.url}/rounds/{CONTEST}/tuan-1/export.xlsx", timeout=60
    )
    assert download.status_code == 200
    server_book = tmp_path / "may-chu.xlsx"
    server_book.write_bytes(download.content)

    texts = as_pdf_text([app_book, server_book], tmp_path)
    assert "02/01/1980" in texts["ung-dung"]  # a date of birth, as a date
    for stem, name, submitted in (
        ("ung-dung", LONG_NAME, app_submitted),
        ("may-chu", SERVER_NAME, SERVER_SUBMITTED),
    ):
        text = texts[stem]
        assert "###" not in text, f"{stem}: a column too narrow for its number or date"
        assert name in text, f"{stem}: the name is cut"
        assert submitted in text, f"{stem}: the submitted time is not shown as {submitted}"
        assert len(SHOWN_TIME.findall(text)) >= 3, stem  # ranking and both attempt times
        # Headers whole (the long ones wrap onto two lines rather than being cut).
        for header in ("Họ và tên", "Xã, phường", "Nộp lúc", "Thời gian (giây)"):
            assert header in text, f"{stem}: header {header!r} is cut"
