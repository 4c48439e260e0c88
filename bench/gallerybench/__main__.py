"""make bench: gallery measured against the physical bound and against peers, in one run; see bench/README.md.

`python3 -m gallerybench` (from bench/) or scripts/bench runs every wanted section and writes bench/RESULTS.md;
`--only NAME` runs one section alone and prints its part, leaving bench/RESULTS.md alone. Exit status: 0 when
every run worked (whatever the targets say), 1 when a run failed or gave the wrong bytes, 130 on Ctrl-C. Every
child and every nginx we started is stopped, by its pid, on any exit."""

import os
import shutil
import signal
import sys
import tempfile

from . import machine, nginx, report
from .bench import Bench, bin_path
from .runs import kill_children
from .sections import SECTIONS
from .settings import GNU_TIME


class Interrupted(SystemExit):
    pass


def _on_signal(signum, _frame):
    raise Interrupted(128 + signum)


def cleanup():
    kill_children()
    nginx.stop_all()


def run_sections(bench, sections):
    """Prepares every section before the first run, then runs them in order: [(section, result)]."""
    for section in sections:
        section.prepare(bench)
    workdir = tempfile.mkdtemp(prefix="gallery-bench.")
    try:
        return [(section, section.run(bench, workdir)) for section in sections]
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


def parse_only(argv):
    """The section named by `--only NAME`, or None for the whole bench."""
    if not argv:
        return None
    names = [section.name for section in SECTIONS]
    if len(argv) == 2 and argv[0] == "--only" and argv[1] in names:
        return next(section for section in SECTIONS if section.name == argv[1])
    sys.exit(f"usage: scripts/bench [--only {'|'.join(names)}]")


def only(bench, section):
    """One section alone, printed with the load before and after (other work skews it)."""
    load_before = machine.load_average()
    results = run_sections(bench, [section])
    load_after = machine.load_average()
    print("\n".join(section.report(bench, results[0][1])))
    print(f"\nload average {load_before} before, {load_after} after (nproc {os.cpu_count()})")
    return 1 if bench.errors else 0


def main():
    chosen = parse_only(sys.argv[1:])
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"bench: {GNU_TIME} (GNU time) is missing; run `make setup-bench`")
    bench = Bench(bin_path())
    if chosen is not None:
        return only(bench, chosen)
    results = run_sections(bench, [section for section in SECTIONS if section.wanted()])
    text = report.write(bench, results)
    print("\n" + text)
    print(report.written())
    return 1 if bench.errors else 0


def entry():
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        cleanup()
        print("\nbench: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        cleanup()


if __name__ == "__main__":
    entry()
