"""Content benchmark: a 10,000-question bank.

    python tests/bench/content.py [--runs 5]

Generates a pack with 10,000 questions (10 topics, one file each), then prints:
* the time to validate it (``check_pack``) and to install it (which validates
  again, copies and indexes) — target: validate + install <= 2 s;
* the app's start time (first paint, and store ready) with that bank installed
  beside the start time of an empty install — target: <= 1.1x.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import bytecode_env, measure  # noqa: E402

from skillsapp.content.checker import check_pack  # noqa: E402
from skillsapp.content.install import install_pack  # noqa: E402
from skillsapp.storage import open_store  # noqa: E402

TOPICS = [f"chu-de-{i:02d}" for i in range(10)]
LEVELS = ("easy", "medium", "hard")


def write_pack(root: Path, size: int = 10_000) -> Path:
    (root / "questions").mkdir(parents=True)
    (root / "pack.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "ngan-hang-lon",
                "title": "Ngân hàng 10.000 câu",
                "version": "1.0.0",
                "language": "vi",
                "licence": "CC BY 4.0",
                "topics": [
                    {"id": t, "title": f"Chủ đề {i + 1}", "order": i + 1}
                    for i, t in enumerate(TOPICS)
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    per_topic = size // len(TOPICS)
    for t_index, topic in enumerate(TOPICS):
        questions = []
        for i in range(per_topic):
            n = t_index * per_topic + i
            questions.append(
                {
                    "id": f"{topic}-{i:04d}",
                    "difficulty": LEVELS[n % 3],
                    "text": f"Câu hỏi số {n}: khi nhận được tin nhắn lạ yêu cầu cung cấp mã OTP, bạn nên làm gì?",
                    "options": [
                        f"Phương án thứ nhất của câu {n}",
                        f"Phương án thứ hai của câu {n}",
                        f"Phương án thứ ba của câu {n}",
                        f"Phương án thứ tư của câu {n}",
                    ],
                    "answer": "ABCD"[n % 4] if n % 7 else ["A", "C"],
                    "explanation": "Không bao giờ cung cấp mã OTP cho bất kỳ ai, kể cả người xưng là nhân viên ngân hàng.",
                }
            )
        text = yaml.safe_dump(
            {"topic": topic, "questions": questions}, allow_unicode=True, sort_keys=False
        )
        (root / "questions" / f"{topic}.yaml").write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kns-bench-content-"))
    pack = write_pack(work / "pack")
    size_mb = sum(p.stat().st_size for p in pack.rglob("*") if p.is_file()) / 1e6

    started = time.perf_counter()
    report = check_pack(pack)
    validate = time.perf_counter() - started
    assert report.ok, report.problems[:5]

    big = work / "data-big"
    store = open_store(big)
    started = time.perf_counter()
    install_pack(store, pack)
    install = time.perf_counter() - started
    count = store.content.question_count()
    store.close()
    print(f"bank: {count:,} questions, {size_mb:.1f} MB of YAML")
    print(
        f"validate: {validate:.2f} s; install (validates again, copies, indexes): {install:.2f} s; "
        f"together {validate + install:.2f} s (target <= 2 s)"
    )

    empty = work / "data-empty"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        SKILLSAPP_REPORT_FIRST_PAINT="1",
    )
    env = bytecode_env(env, str(work / "pycache"))

    def command(folder: Path) -> list[str]:
        return [sys.executable, "-m", "skillsapp", "--data-dir", str(folder), "--self-test"]

    # First runs install the bundled pack in both folders; they are not timed.
    measure(command(empty), env)
    measure(command(big), env)
    big_runs, empty_runs = [], []
    for _ in range(args.runs):
        empty_runs.append(measure(command(empty), env))
        big_runs.append(measure(command(big), env))
    e_paint = statistics.median(r.first_paint_s for r in empty_runs)
    b_paint = statistics.median(r.first_paint_s for r in big_runs)
    e_ready = statistics.median(r.ready_s for r in empty_runs if r.ready_s is not None)
    b_ready = statistics.median(r.ready_s for r in big_runs if r.ready_s is not None)
    print(
        f"start, empty install:         first paint {e_paint * 1000:.0f} ms, ready {e_ready * 1000:.0f} ms"
    )
    print(
        f"start, 10,000 questions too: first paint {b_paint * 1000:.0f} ms, ready {b_ready * 1000:.0f} ms"
    )
    print(
        f"ratio first paint {b_paint / e_paint:.2f}, ready {b_ready / e_ready:.2f} (target <= 1.1)"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
