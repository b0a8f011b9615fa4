"""The province publishes strictly: a pack with any warning (the item-quality rules
included) is refused with the list of problems, and nothing of it is stored."""

from __future__ import annotations

import pytest
from quality_helpers import QUESTIONS, write_pack
from sqlalchemy import func, select

pytest.importorskip("fastapi")

from skillsapp.cli import main  # noqa: E402
from skillsapp.content.install import PackRejected  # noqa: E402
from skillsapp.server import db  # noqa: E402
from skillsapp.server.app import build_services  # noqa: E402
from skillsapp.server.config import ServerConfig  # noqa: E402
from skillsapp.server.publish import publish_pack  # noqa: E402

# The right option made the longest in all three single-answer questions of the file.
LONGEST_KEYS = QUESTIONS.replace(
    '"Không đưa mã, tự gọi số tổng đài in trên thẻ"',
    '"Không đưa mã, tự gọi số tổng đài in trên thẻ ngân hàng của bạn để hỏi lại"',
).replace(
    '"Tôi thích hát Quê hương 2024!"', '"Tôi thích hát Quê hương 2024! Mùa xuân ơi, tết đến rồi"'
)


@pytest.fixture
def services(tmp_path):
    return build_services(ServerConfig(tmp_path / "server"))


def _counts(services) -> tuple[int, int]:
    with services.engine.connect() as conn:
        packs = conn.execute(select(func.count()).select_from(db.packs)).scalar()
        questions = conn.execute(select(func.count()).select_from(db.questions)).scalar()
    return packs, questions


def test_a_clean_pack_is_published(services, tmp_path):
    manifest = publish_pack(
        services.engine, services.key, services.config.packs_dir, write_pack(tmp_path)
    )
    assert manifest["id"] == "goi-thu"
    assert _counts(services) == (1, 6)


def test_a_pack_with_quality_warnings_is_refused_with_its_problems(services, tmp_path):
    root = write_pack(tmp_path, questions__an_toan_yaml=LONGEST_KEYS)
    with pytest.raises(PackRejected) as caught:
        publish_pack(services.engine, services.key, services.config.packs_dir, root)
    problems = caught.value.problems
    assert problems and all(p.severity == "error" for p in problems)
    assert [(p.file, p.line) for p in problems] == [("questions/an-toan.yaml", 1)]
    assert "dài nhất" in problems[0].message
    assert _counts(services) == (0, 0)
    assert not list(services.config.packs_dir.glob("*.zip"))
    # not strict (the tests' bundled pack until it is rewritten): published with its warnings
    publish_pack(services.engine, services.key, services.config.packs_dir, root, strict=False)
    assert _counts(services) == (1, 6)


def test_server_publish_command_lists_the_problems_and_fails(tmp_path, capsys):
    root = write_pack(tmp_path, questions__an_toan_yaml=LONGEST_KEYS)
    server_dir = str(tmp_path / "server")
    assert main(["server", "--server-dir", server_dir, "publish", str(root)]) == 1
    out = capsys.readouterr().out
    assert "questions/an-toan.yaml:1:" in out and "1 lỗi, 0 cảnh báo" in out
    assert (
        main(["server", "--server-dir", server_dir, "publish", str(write_pack(tmp_path / "ok"))])
        == 0
    )
