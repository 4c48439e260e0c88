"""Scheduling on a shared link: bench/sched_bench.py's three profiles, (a) a real tbf bottleneck in a network
namespace, (b) gallery's own --max-rate cap, (c) nginx's per-connection pacing, each with curl and
`gallery --schedule even` as peers in the same rounds. The profiles keep their own nginx and namespace handling in
that module (it also runs alone); this section only hands its tables and PASS/FAIL lines to RESULTS.md."""

import os
import shutil

import sched_bench

from .section import Section


class Sched(Section):
    name = "sched"

    def prepare(self, bench):
        bench.require(bench.binary("gallery"))
        if os.geteuid() != 0:
            raise SystemExit("bench: the sched section makes a network namespace, which needs root")
        for tool in ("ip", "tc", "curl"):
            if shutil.which(tool) is None:
                raise SystemExit(f"bench: the sched section needs {tool}")

    def run(self, bench, workdir):
        lines, verdicts, every_run_whole = sched_bench.measure()
        if not every_run_whole:
            bench.fail("sched", "a run did not fetch all ten images")
        return {"lines": lines, "verdicts": verdicts}

    def report(self, bench, result):
        return (["", "## Scheduling: a shared link, a rate cap, per-connection pacing", ""] + result["lines"]
                + result["verdicts"])


SECTION = Sched()
