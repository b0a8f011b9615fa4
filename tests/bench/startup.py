"""Startup benchmark: skillsapp vs a bare PySide6 window, measured the same way.

    python tests/bench/startup.py [--runs 7] [--verbose] [--xvfb]

Each run is a new process. The clock starts just before the process is spawned
and stops when the process reports its first Paint event on stdout. The app's first frame is
its window with the app's name and "Opening your data…"; the navigation and Home are built
right after it and their paint is timed too ("shell painted"), as is "ready" (the store open). Memory is the
process's peak RSS at its first paint and again 5 s after (the app: 5 s after its
store is open and ready; the bare window: 5 s after its first paint), as each
process reports it. Prints medians and ratios (targets: time <= 1.5x, memory
<= 1.5x at both moments). ``--verbose`` also runs the app once with ``-X importtime``
and prints the slowest imports before the first paint, and once with tracemalloc
and prints where Python's memory went by then and 5 s later.
Both processes run with compiled bytecode (a fresh cache filled by the untimed first runs),
as an installed copy does; ``--from-source`` keeps PYTHONDONTWRITEBYTECODE from the
environment. Run it from the tree to measure (``python -m skillsapp`` takes ``skillsapp``
from the working folder first).
``--xvfb`` runs both on a virtual X screen (Xvfb, 1366x768, with openbox managing it, as a
commune PC's desktop would) through Qt's xcb platform instead of offscreen.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

BARE_WINDOW = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel

LINGER = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0

def peak():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def later():
    print("LATER_PEAK_RSS_KIB", peak(), flush=True)
    app.quit()


class Reporter(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            print("FIRST_PAINT", flush=True)
            print("FIRST_PAINT_PEAK_RSS_KIB", peak(), flush=True)
            print("FIRST_PAINT_CPU_MS", time.process_time() * 1000, flush=True)
            QTimer.singleShot(int(LINGER * 1000), later)
        return False

app = QApplication(sys.argv[:1])
window = QLabel("Hello")
window.resize(1200, 800)
reporter = Reporter()
window.installEventFilter(reporter)
window.show()
app.exec()
"""


LINGER_S = 5.0


@dataclass
class Run:
    first_paint_s: float
    shell_s: float | None
    ready_s: float | None
    paint_mib: float  # peak RSS up to the first paint
    later_mib: float  # peak RSS 5 s later
    lines: list[str]
    paint_cpu_ms: float | None = None  # the process's own CPU time (user + system) to then


def measure(
    cmd: list[str], env: dict[str, str], marker: str = "FIRST_PAINT", merge_stderr: bool = False
) -> Run:
    """One run. ``merge_stderr`` interleaves stderr with stdout in order (for -X importtime,
    whose lines must be seen before or after the FIRST_PAINT line)."""
    started = time.perf_counter()
    err = subprocess.STDOUT if merge_stderr else subprocess.PIPE
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, text=True)
    first = shell = ready = None
    figures: dict[str, float] = {}
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        now = time.perf_counter() - started
        lines.append(line.rstrip("\n"))
        if line.startswith(marker + " ") or line.strip() == marker:
            first = first if first is not None else now
        if line.startswith("SHELL_PAINT"):
            shell = now
        if line.startswith("READY"):
            ready = now
        found = re.match(r"(\w+)_PEAK_RSS_KIB (\d+)", line)
        if found:
            figures[found.group(1)] = int(found.group(2)) / 1024
        found = re.match(r"FIRST_PAINT_CPU_MS ([\d.]+)", line)
        if found:
            figures["CPU"] = float(found.group(1))
    stderr = proc.stderr.read() if proc.stderr else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    if first is None or os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run failed: {' '.join(cmd)} (status {status})\n{stderr[-2000:]}")
    lines += stderr.splitlines()
    peak = usage.ru_maxrss / 1024
    return Run(
        first,
        shell,
        ready,
        figures.get("FIRST_PAINT", peak),
        figures.get("LATER", peak),
        lines,
        figures.get("CPU"),
    )


def slowest_imports(lines: list[str], before: str = "FIRST_PAINT", top: int = 15) -> list[str]:
    """The imports with the most time of their own (-X importtime) before ``before``."""
    found = []
    for line in lines:
        if line.startswith(before):
            break
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[0].split()[-1].isdigit():
            found.append((int(parts[0].split()[-1]), int(parts[1]), parts[2].strip()))
    found.sort(reverse=True)
    return [
        f"{own / 1000:7.1f} ms own, {total / 1000:7.1f} ms with imports  {name}"
        for own, total, name in found[:top]
    ]


def bytecode_env(env: dict[str, str], cache: str) -> dict[str, str]:
    """Run both processes as installed code runs: with compiled bytecode. An installed copy
    (pip, the packaged build) ships .pyc files; a source tree run with
    PYTHONDONTWRITEBYTECODE set would compile every skillsapp module from source on every
    start, which the bare window (no modules of its own) never pays. The untimed first runs
    fill ``cache``."""
    env = dict(env, PYTHONPYCACHEPREFIX=cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--verbose", action="store_true", help="import times and tracemalloc")
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE (compile skillsapp on every start)",
    )
    parser.add_argument(
        "--xvfb", action="store_true", help="on a virtual X screen with openbox, not offscreen"
    )
    args = parser.parse_args()
    with ExitStack() as stack:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        if args.xvfb:
            sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
            from tests.real_screen import x_screen

            env = stack.enter_context(x_screen(1366, 768, window_manager=True))
        run_all(args, env)


def run_all(args: argparse.Namespace, env: dict[str, str]) -> None:
    env = dict(env)
    env["SKILLSAPP_REPORT_FIRST_PAINT"] = "1"
    env["SKILLSAPP_BENCH_LINGER_S"] = str(LINGER_S)
    data = tempfile.mkdtemp(prefix="kns-bench-startup-")
    if not args.from_source:
        env = bytecode_env(env, tempfile.mkdtemp(prefix="kns-bench-pycache-"))
    app_cmd = [sys.executable, "-m", "skillsapp", "--data-dir", data, "--self-test"]
    bare_cmd = [sys.executable, "-c", BARE_WINDOW, str(LINGER_S)]

    first_run = measure(app_cmd, env)  # creates the database: reported, not in the medians
    measure(bare_cmd, env)  # warm the OS file cache for both
    app_runs, bare_runs = [], []
    for _ in range(args.runs):  # interleaved so drift hits both alike
        app_runs.append(measure(app_cmd, env))
        bare_runs.append(measure(bare_cmd, env))

    def med(runs: list[Run], name: str) -> float:
        return statistics.median(getattr(r, name) for r in runs)

    app_t, bare_t = med(app_runs, "first_paint_s"), med(bare_runs, "first_paint_s")
    app_m, bare_m = med(app_runs, "paint_mib"), med(bare_runs, "paint_mib")
    app_l, bare_l = med(app_runs, "later_mib"), med(bare_runs, "later_mib")
    ready = statistics.median(r.ready_s for r in app_runs if r.ready_s is not None)
    shells = [r.shell_s for r in app_runs if r.shell_s is not None]  # none: an older app
    compiled = "from source" if args.from_source else "compiled bytecode"
    print(f"runs each: {args.runs} (platform {env['QT_QPA_PLATFORM']}, {compiled})")
    print(
        f"bare PySide6 window: first paint {bare_t * 1000:.0f} ms, peak RSS {bare_m:.1f} MiB "
        f"then, {bare_l:.1f} MiB {LINGER_S:.0f} s later"
    )
    print(
        f"skillsapp:           first paint {app_t * 1000:.0f} ms, peak RSS {app_m:.1f} MiB "
        f"then, {app_l:.1f} MiB {LINGER_S:.0f} s after ready"
    )
    if shells:
        shell = statistics.median(shells)
        print(
            f"skillsapp navigation and Home painted: {shell * 1000:.0f} ms "
            f"({shell / bare_t:.2f}x the bare window's first paint)"
        )
    print(f"skillsapp store open and ready: {ready * 1000:.0f} ms")
    print(
        f"skillsapp first run (creates the database): first paint {first_run.first_paint_s * 1000:.0f} ms"
    )
    print(
        f"time ratio {app_t / bare_t:.2f} (target <= 1.5); memory ratio at first paint "
        f"{app_m / bare_m:.2f}, {LINGER_S:.0f} s later {app_l / bare_l:.2f} (target <= 1.5)"
    )
    app_cpu = [r.paint_cpu_ms for r in app_runs if r.paint_cpu_ms is not None]
    if app_cpu:  # an older app does not report it
        bare_cpu = statistics.median(r.paint_cpu_ms for r in bare_runs)
        print(
            f"CPU time to first paint (each process's own user + system time, which other load "
            f"on the machine changes far less than the clock): skillsapp "
            f"{statistics.median(app_cpu):.0f} ms, bare window {bare_cpu:.0f} ms, ratio "
            f"{statistics.median(app_cpu) / bare_cpu:.2f}"
        )
    if args.verbose:
        timed = measure([sys.executable, "-X", "importtime", *app_cmd[1:]], env, merge_stderr=True)
        print("slowest imports before the first paint (own time; -X importtime adds overhead):")
        for line in slowest_imports(timed.lines):
            print("  " + line)
        traced = measure(app_cmd, dict(env, PYTHONTRACEMALLOC="1"))
        for label in ("FIRST_PAINT", "LATER"):
            print(f"Python memory by file at {label.lower().replace('_', ' ')} (tracemalloc):")
            for line in traced.lines:
                if line.startswith(label + "_TRACEMALLOC"):
                    print("  " + line.split(" ", 1)[1])


if __name__ == "__main__":
    main()
