"""The shape every bench section has. A section measures one thing and writes its part of bench/RESULTS.md."""

from ..settings import QUICK


class Section:
    """Subclass, set `name`, and override `run` and `report`; then add the instance to SECTIONS in __init__.py.

    The bench calls `prepare` on every wanted section first (so a missing tool stops it before any run), then `run`
    on each in list order, then `report` on each once every run is over."""

    name = ""  # `scripts/bench --only NAME` runs this section alone
    quick = False  # whether it runs under BENCH_QUICK=1 as well

    def wanted(self):
        return self.quick or not QUICK

    def prepare(self, bench):
        """Checks its tools and makes its inputs; raises SystemExit with one line when something is missing."""

    def run(self, bench, workdir):
        """Measures, printing progress as it goes, and returns whatever `report` needs. Files it makes go under
        `workdir` (removed at exit); servers it starts are stopped at exit even when it raises."""
        raise NotImplementedError

    def report(self, bench, result):
        """Its part of bench/RESULTS.md: markdown lines, starting with an empty line and a `##` heading."""
        raise NotImplementedError

    def raw(self, bench, result):
        """Keys it adds to bench/runs/latest.json (figures only, no output bytes)."""
        return {}
