"""The sched section: does gallery show images one after another where the link is shared, and still all at once
where each connection is limited on its own? Three profiles over the ten ~15 MB demo JPEGs (sched_profiles.py):
(a) a real tbf bottleneck in a network namespace, (b) gallery's own --max-rate cap, (c) nginx's per-connection
pacing, each with curl and `gallery --schedule even` as peers in the same rotating rounds (sched_clients.py).

Settings: SCHED_PROFILES (default "abc"), SCHED_ROUNDS (default 3), SCHED_LINK_RATE (tc's rate for (a), default
200mbit), SCHED_MAX_RATE (bytes/s for (b), default 25000000) and RATE (bytes/s per connection for (c), as in the
demo section; default 4 MiB/s, also when RATE=0)."""

import os
import shutil
from types import SimpleNamespace

from ..settings import env_int
from . import demo
from .sched_clients import COUNT
from .sched_profiles import PROFILES
from .section import Section


def _env_text(name, default):
    return os.environ.get(name, "").strip() or default


SETTINGS = SimpleNamespace(
    profiles=_env_text("SCHED_PROFILES", "abc"),
    rounds=max(1, env_int("SCHED_ROUNDS", 3)),
    link_rate=_env_text("SCHED_LINK_RATE", "200mbit"),
    max_rate=env_int("SCHED_MAX_RATE", 25_000_000),
    rate=demo.RATE or demo.DEFAULT_RATE,
)


class Sched(Section):
    name = "sched"

    def prepare(self, bench):
        bench.require(bench.gallery)
        if os.geteuid() != 0:
            raise SystemExit("bench: the sched section makes a network namespace, which needs root")
        for tool in ("ip", "tc", "curl"):
            if shutil.which(tool) is None:
                raise SystemExit(f"bench: the sched section needs {tool}")
        unknown = set(SETTINGS.profiles) - set(PROFILES)
        if unknown:
            raise SystemExit(f"bench: SCHED_PROFILES names no profile {''.join(sorted(unknown))} (a, b or c)")
        self.files = demo.demo_images(bench)[:COUNT]

    def run(self, bench, workdir):
        lines, verdicts, whole = [], [], True
        print(f"\n## Scheduling: profiles {SETTINGS.profiles}, {SETTINGS.rounds} rounds", flush=True)
        for key in SETTINGS.profiles:
            print(f"profile ({key}):", flush=True)
            table, checks, runs = PROFILES[key](bench, self.files, workdir, SETTINGS)
            lines += table + [""]
            verdicts += checks
            whole = whole and all(run["ok"] for client_runs in runs.values() for run in client_runs)
        if not whole:
            bench.fail("sched", f"a run did not fetch all {COUNT} images")
        return {"lines": lines, "verdicts": verdicts}

    def report(self, bench, result):
        return (["", "## Scheduling: a shared link, a rate cap, per-connection pacing", ""] + result["lines"]
                + result["verdicts"])


SECTION = Sched()
