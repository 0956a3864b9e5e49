"""cheatdeck benchmarks: wall time (median of several runs) and peak memory, per scenario.

    .venv/bin/python bench/run.py            # or: make bench
    .venv/bin/python bench/run.py --quick    # fewer runs

Each run is a fresh `cheatdeck` process, timed from outside; peak RSS is the largest
resident set of that process and its render workers. Scenarios:

* the by-hand baseline (bench/by_hand.py: every note through markdown-it into one
  three-column WeasyPrint PDF, one process), measured in the same run, and each build
  scenario as a ratio of it. Shared machines drift (±20 % over minutes, seen here), so
  the build scenarios run in rounds, each after a baseline run of its own: a run's ratio
  is to its round's baseline, and the ratio printed is the median of those;
* cold build of source_notes/ (empty output folder and cache: every sheet, booklet, deck);
* no-change rebuild; one-line edit rebuild (one sheet and the booklet re-rendered);
* a one-line edit under ``cheatdeck watch``, from the save to the report (warm workers);
* `facts --json` and cold `build --no-sheets` on synthetic corpora made deterministically from
  the seeds (10x and 50x: every note copied, each fact marked with its copy number),
  with the cost per 1,000 facts at both sizes: equal costs mean linear growth.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "source_notes"
CHEATDECK = [sys.executable, "-m", "generator"]
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
    ".returncode\n"
    "took = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(took, peak, code)\n"
)
CONTENT_LINE = re.compile(r"^(\s*(?:[-*+]|\d+\.)\s+\S.*|[^\s#>|!-].*)$")


@dataclass
class Result:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    target: str = ""
    ratios: list[float] = field(default_factory=list)
    """Each run's time over the baseline run of its round (build scenarios)."""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def add(self, took: tuple[float, float], baseline: float | None = None) -> None:
        seconds, peak = took
        self.seconds.append(seconds)
        self.peak_mb = max(self.peak_mb, peak)
        if baseline is not None:
            self.ratios.append(seconds / baseline)


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one run of ``command``."""
    output = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    ).stdout.split()
    seconds, peak_kb, code = float(output[0]), int(output[1]), int(output[2])
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return seconds, peak_kb / 1024


def repeat(name: str, command: list[str], cwd: Path, runs: int, target: str = "") -> Result:
    result = Result(name, target=target)
    for _ in range(runs):
        result.add(measure(command, cwd))
    return result


def synthetic_corpus(folder: Path, copies: int) -> int:
    """``copies`` copies of every seed note, each fact marked with its copy: as many
    distinct facts as a user with ``copies`` times the notes. Returns the number of lines."""
    folder.mkdir(parents=True)
    lines = 0
    for copy in range(copies):
        for note in sorted(SEEDS.glob("*.md")):
            text = "\n".join(
                f"{line} (v{copy})" if CONTENT_LINE.match(line) else line
                for line in note.read_text(encoding="utf-8").split("\n")
            )
            (folder / f"{copy:03d}-{note.name}").write_text(text, encoding="utf-8")
            lines += text.count("\n") + 1
    return lines


def count_facts(folder: Path) -> int:
    output = subprocess.run(
        [*CHEATDECK, "facts", str(folder), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    return len(json.loads(output)["facts"])


def builds(work: Path, runs: int) -> list[Result]:
    """The baseline and the build scenarios, in ``runs`` rounds: a baseline run, then a
    cold build, two no-change rebuilds and two one-line edits, each paired with it (the
    edits start from the no-change state: only the edited line differs)."""
    notes, out = work / "notes", work / "out"
    shutil.copytree(SEEDS, notes)
    build = [*CHEATDECK, "build", str(notes), "-o", str(out)]
    edited = notes / "aws-ai-services.ko.md"
    original = edited.read_text(encoding="utf-8")

    def edit_one_line(run: int) -> None:
        edited.write_text(
            original.replace("서비스이다.", f"서비스이다 ({run}).", 1), encoding="utf-8"
        )

    by_hand = [sys.executable, str(ROOT / "bench" / "by_hand.py"), str(notes), str(work / "h.pdf")]
    baseline = Result("by-hand baseline (markdown-it → WeasyPrint)")
    cold = Result("cold build (sheets, booklet, deck)", target="≤ 1.0×")
    unchanged = Result("no-change rebuild", target="≤ 0.08×")
    edit = Result("one-line edit rebuild", target="≤ 0.2×")
    for round_ in range(runs):
        baseline.add(measure(by_hand, ROOT))
        yardstick = baseline.seconds[-1]
        shutil.rmtree(out, ignore_errors=True)
        cold.add(measure(build, ROOT), yardstick)
        measure(build, ROOT)  # the build after a cold one saves the lock it recorded
        for _ in range(2):
            unchanged.add(measure(build, ROOT), yardstick)
        for run in range(2):
            edit_one_line(2 * round_ + run)
            edit.add(measure(build, ROOT), yardstick)
    baseline.add(measure(by_hand, ROOT))  # the watcher's yardstick: runs on either side
    watch = watched_edits(notes, work / "watched", 2 * runs, edit_one_line)
    baseline.add(measure(by_hand, ROOT))
    watch.ratios = [seconds / statistics.mean(baseline.seconds[-2:]) for seconds in watch.seconds]
    return [baseline, cold, unchanged, edit, watch]


def watched_edits(notes: Path, out: Path, runs: int, edit: Callable[[int], None]) -> Result:
    """One-line edits under ``cheatdeck watch``: from saving the note to the build's report
    (the watcher's own wait for the save to settle included)."""
    command = [*CHEATDECK, "watch", str(notes), "-o", str(out), "--json"]
    seconds = []
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as watch:
        assert watch.stdout is not None
        watch.stdout.readline()  # the first build's report
        time.sleep(1.0)  # the watcher is watching
        for run in range(runs):
            edit(1000 + run)
            start = time.perf_counter()
            watch.stdout.readline()
            seconds.append(time.perf_counter() - start)
        peak_kb = _peak_kb(watch.pid)
        watch.terminate()
    return Result("one-line edit under watch", seconds, peak_kb / 1024, target="≤ 0.2×")


def _peak_kb(pid: int) -> int:
    """The largest peak resident memory of a running process and its descendants (Linux):
    the watch process, its fork server and render workers."""
    total = 0
    for task in [pid, *_descendants(pid)]:
        status = Path(f"/proc/{task}/status")
        if status.is_file():
            found = re.search(r"VmHWM:\s+(\d+)", status.read_text())
            total = max(total, int(found[1]) if found else 0)
    return total


def _descendants(pid: int) -> list[int]:
    listing = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(child) for child in listing.read_text().split()] if listing.is_file() else []
    return [found for child in children for found in (child, *_descendants(child))]


def scaling(work: Path, runs: int) -> tuple[list[Result], list[str]]:
    results, notes_lines = [], []
    per_fact: dict[str, list[float]] = {}
    for copies in (10, 50):
        folder = work / f"x{copies}"
        lines = synthetic_corpus(folder, copies)
        facts = count_facts(folder)
        facts_run = repeat(
            f"facts --json, {copies}x ({facts:,} facts, {lines:,} lines)",
            [*CHEATDECK, "facts", str(folder), "--json"],
            ROOT,
            runs,
            target="≤ 5 s, ≤ 400 MB" if copies == 50 else "",
        )
        deck_run = cold_builds(f"build --no-sheets, {copies}x", folder, work / f"out{copies}", runs)
        results += [facts_run, deck_run]
        for result in (facts_run, deck_run):
            kind = result.name.split(",")[0]
            per_fact.setdefault(kind, []).append(result.median / facts * 1000)
    for kind, (small, large) in per_fact.items():
        notes_lines.append(
            f"{kind}: {small * 1000:.1f} ms per 1,000 facts at 10x, {large * 1000:.1f} ms at 50x "
            f"(ratio {large / small:.2f}; 1.00 = linear)"
        )
    return results, notes_lines


def cold_builds(name: str, notes: Path, out: Path, runs: int) -> Result:
    """``build --no-sheets`` from an empty output folder each time (a rebuild would find
    its memos, or answer from its stamp), once the lock beside the notes exists."""
    command = [*CHEATDECK, "build", str(notes), "-o", str(out), "--no-sheets"]
    measure(command, ROOT)  # writes the lock: every measured build then reads it
    result = Result(name)
    for _ in range(runs):
        shutil.rmtree(out)
        result.add(measure(command, ROOT))
    return result


def table(results: list[Result]) -> str:
    rows = [
        "| scenario | median | min | max | runs | peak RSS | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        rows.append(
            f"| {r.name} | {r.median:.2f} s | {min(r.seconds):.2f} s | {max(r.seconds):.2f} s "
            f"| {len(r.seconds)} | {r.peak_mb:.0f} MB | {r.target} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs per scenario")
    runs = 2 if parser.parse_args().quick else 3
    with tempfile.TemporaryDirectory(prefix="cheatdeck-bench-") as folder:
        work = Path(folder)
        results = builds(work, runs)
        scaled, notes = scaling(work, runs)
    print(table(results + scaled))
    print()
    for line in notes:
        print(line)
    baseline, *timed = results
    print(f"by-hand baseline: median {baseline.median:.2f} s")
    for result in timed:
        ratio = statistics.median(result.ratios)
        print(
            f"{result.name}: median {result.median:.2f} s, {ratio:.2f}× the baseline"
            f" (median of {len(result.ratios)} paired runs; target {result.target})"
        )


if __name__ == "__main__":
    main()
