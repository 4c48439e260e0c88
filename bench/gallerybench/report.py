"""bench/RESULTS.md: a header (how figures are taken, the machine, how quiet it was), each section's part, the
errors; and bench/runs/latest.json with the raw figures."""

import json
import os

from . import machine
from .settings import QUICK, RAW, RESULTS, ROOT


def header(bench, quiet):
    return ["# make bench: results" + (" (BENCH_QUICK: the RATE case alone)" if QUICK else ""), "",
            "Written by `scripts/bench` (`make bench`); each run replaces this file. "
            "Figures are median (min–max) over the runs; wall, CPU (user+sys) and peak RSS from "
            "`/usr/bin/time -f '%e %U %S %M'` (10 ms resolution), RSS in decimal MB; first image = seconds from "
            "spawn to the first report line (piped), the first half-block thumbnail cell written to the pty (tty), "
            "or curl's first completed transfer (`--write-out %{stderr}…`), stamped with Python's "
            "time.monotonic() as the output arrives.", "",
            f"**Machine:** {machine.machine_line(bench.gallery)}", "",
            f"**Other work on the machine during the run** (builds, tests, nginx): ≈ {quiet[0]:.0f} CPU-seconds "
            f"in {quiet[1]:.0f} s, {quiet[2]:.0%} of its {os.cpu_count()} cores"
            + (" — **not quiet: wall and first-image times are noisy; run again on an idle machine for figures to "
               "quote**." if quiet[2] > 0.10 else " (quiet enough).")]


def errors(bench):
    return ["", "## Errors", ""] + [f"- {e}" for e in bench.errors] if bench.errors else []


def write(bench, results):
    """Writes RESULTS.md (or quick.md) and latest.json from `results`, [(section, what its run returned)], and
    returns the markdown."""
    lines = header(bench, machine.quietness(bench.started))
    raw = {}
    for section, result in results:
        lines += section.report(bench, result)
        raw.update(section.raw(bench, result))
    text = "\n".join(lines + errors(bench)) + "\n"
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as f:
        f.write(text)
    os.makedirs(os.path.dirname(RAW), exist_ok=True)
    with open(RAW, "w") as f:
        json.dump(raw, f, indent=1)
    return text


def written():
    return f"bench: wrote {os.path.relpath(RESULTS, ROOT)} and {os.path.relpath(RAW, ROOT)}"
