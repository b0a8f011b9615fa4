"""Startup benchmark: skillsapp vs a bare PySide6 window, measured the same way.

    python tests/bench/startup.py [--runs 7]

Each run is a new process. The clock starts just before the process is spawned
and stops when the process reports its first Paint event on stdout. Peak
memory is the child's max RSS from ``os.wait4``. Prints medians and ratios
(targets: time <= 1.5x, memory <= 1.5x). Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE_WINDOW = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel

class Reporter(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            print("FIRST_PAINT", flush=True)
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication(sys.argv[:1])
window = QLabel("Hello")
window.resize(1200, 800)
reporter = Reporter()
window.installEventFilter(reporter)
window.show()
app.exec()
"""


def measure(
    cmd: list[str], env: dict[str, str], marker: str = "FIRST_PAINT"
) -> tuple[float, float, float | None]:
    """Returns (seconds to marker, peak RSS in MiB, seconds to READY or None)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    )
    first = ready = None
    assert proc.stdout is not None
    for line in proc.stdout:
        now = time.perf_counter() - started
        if line.startswith(marker) and first is None:
            first = now
        if line.startswith("READY"):
            ready = now
    _pid, status, usage = os.wait4(proc.pid, 0)
    if first is None or os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run failed: {' '.join(cmd)} (status {status})")
    return first, usage.ru_maxrss / 1024, ready


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["SKILLSAPP_REPORT_FIRST_PAINT"] = "1"
    data = tempfile.mkdtemp(prefix="kns-bench-startup-")
    app_cmd = [sys.executable, "-m", "skillsapp", "--data-dir", data, "--self-test"]
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]

    first_run = measure(app_cmd, env)  # creates the database: reported, not in the medians
    measure(bare_cmd, env)  # warm the OS file cache for both
    app_runs, bare_runs = [], []
    for _ in range(args.runs):  # interleaved so drift hits both alike
        app_runs.append(measure(app_cmd, env))
        bare_runs.append(measure(bare_cmd, env))

    def med(runs, index):
        return statistics.median(r[index] for r in runs)

    app_t, bare_t = med(app_runs, 0), med(bare_runs, 0)
    app_m, bare_m = med(app_runs, 1), med(bare_runs, 1)
    ready = statistics.median(r[2] for r in app_runs if r[2] is not None)
    print(f"runs each: {args.runs} (platform {env['QT_QPA_PLATFORM']})")
    print(f"bare PySide6 window: first paint {bare_t * 1000:.0f} ms, peak RSS {bare_m:.1f} MiB")
    print(f"skillsapp:           first paint {app_t * 1000:.0f} ms, peak RSS {app_m:.1f} MiB")
    print(f"skillsapp store open and ready: {ready * 1000:.0f} ms")
    print(f"skillsapp first run (creates the database): first paint {first_run[0] * 1000:.0f} ms")
    print(
        f"time ratio {app_t / bare_t:.2f} (target <= 1.5), memory ratio {app_m / bare_m:.2f} (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
