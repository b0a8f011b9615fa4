"""Item-quality benchmark: what the quality rules add to ``content check``.

    python tests/bench/quality.py [--runs 3]

Prints, side by side in the same run, ``check_pack(quality=False)`` (the bare check:
reading and the structural rules, what installing runs) and ``check_pack()`` (with the
item-quality rules) on:
* the bundled pack;
* the 10,000-question bank of ``content.py`` (templated stems: near-duplicate listing stops
  at its cap, so this is the best case for the duplicate search);
* the same bank with every stem made different (random words): no pair matches, every
  pair is compared — the worst case.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from content import write_pack  # noqa: E402
from skillsapp.content.checker import check_pack  # noqa: E402

BUNDLED = Path(__file__).resolve().parents[2] / "content" / "packs" / "ky-nang-so-co-ban"


def _varied(root: Path) -> Path:
    """The bank's question files with every stem replaced by random words."""
    rng = random.Random(1)
    letters = "abcdeghiklmnopqrstuvxyđ"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 6))) for _ in range(3000)]
    for path in sorted((root / "questions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            question["text"] = " ".join(rng.choice(words) for _ in range(rng.randint(8, 18)))
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _time(root: Path, quality: bool, runs: int) -> tuple[float, int]:
    times, warnings = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        report = check_pack(root, quality=quality)
        times.append(time.perf_counter() - started)
        warnings = len(report.read.problems.warnings)
    return statistics.median(times), warnings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kns-bench-quality-"))
    packs = [
        ("bundled pack", BUNDLED),
        ("10,000 templated", write_pack(work / "templated", templated=True)),
        ("10,000 varied stems", _varied(write_pack(work / "varied", templated=True))),
    ]
    print(f"{'pack':22} {'bare check':>12} {'with quality':>13} {'added':>9} {'warnings':>9}")
    for name, root in packs:
        bare, _w = _time(root, False, args.runs)
        full, warnings = _time(root, True, args.runs)
        print(f"{name:22} {bare:>10.2f} s {full:>11.2f} s {full - bare:>7.2f} s {warnings:>9}")


if __name__ == "__main__":
    main()
