"""The sched section's clients and rounds: curl and gallery over the same files, every completion stamped.

Each completion is stamped with time.monotonic() as its line arrives (curl's `--write-out %{stderr}`, gallery's
`--json` "completed" events), from just before the process is spawned (`runs.measure` with `every`). A run's
figures are its first completion, its mean completion (mean time to an image) and its wall time from spawn until
it was reaped; the tables show the median of each over the rounds that fetched every image."""

import re
import statistics

from ..runs import measure
from ..stats import med

COUNT = 10  # images a run fetches: the ten demo JPEGs
TIMEOUT = 120.0  # seconds: a run this long is stuck, and is killed and counted as failed
CURL_DONE = re.compile(rb"@@done 200")
GALLERY_DONE = re.compile(rb'"event":"completed"')


def _timed(argv, marker, watch, stdin_path=None):
    """One run's figures: `stamps` (sorted), `first`, `mean`, `wall` (None unless whole), `ok` and a `note`."""
    try:
        run = measure(argv, stdin_path=stdin_path, watch=watch, marker=marker, timeout=TIMEOUT, every=True)
    except RuntimeError as error:  # timed out: measure killed it
        return {"stamps": [], "first": None, "mean": None, "wall": None, "ok": False, "note": str(error)}
    stamps = sorted(run["stamps"])
    ok = len(stamps) == COUNT
    errors = [line.strip() for line in run["stderr"].decode(errors="replace").splitlines()
              if line.strip() and "@@done" not in line]
    return {
        "stamps": stamps, "ok": ok, "note": f"status {run['rc']}; " + "; ".join(errors[:2]),
        "first": stamps[0] if ok else None, "mean": statistics.mean(stamps) if ok else None,
        "wall": run["clock_wall"] if ok else None,
    }


def curl(bench, urls, http2=False):
    """`curl --parallel --parallel-immediate` over all the URLs at once; with `http2`, over one HTTP/2
    connection (prior knowledge: the server speaks cleartext HTTP/2)."""
    argv = [bench.curl, "-s", "--parallel", "--parallel-immediate", "--parallel-max", str(len(urls)),
            "--write-out", "%{stderr}@@done %{http_code} %{size_download}\\n"]
    if http2:
        argv.append("--http2-prior-knowledge")
    for url in urls:
        argv += ["-o", "/dev/null", url]
    return _timed(argv, CURL_DONE, "stderr")


def gallery(bench, listing, extra):
    """gallery `--json` over the `size url` listing on its stdin, with `extra` options."""
    argv = [bench.gallery, "--count", str(COUNT), "--json"] + extra
    return _timed(argv, GALLERY_DONE, "stdout", stdin_path=listing)


def gallery_clients(bench, listing, extra):
    """gallery's two schedules as clients: `--schedule even` (equal sharing) and the default (adaptive)."""
    return [("gallery --schedule even", lambda: gallery(bench, listing, extra + ["--schedule", "even"])),
            ("gallery (adaptive)", lambda: gallery(bench, listing, extra))]


def rounds(clients, count):
    """Runs every client `count` times, rotating the order each round so drift hits all alike, and prints one
    line a run; returns {name: [run]}."""
    runs = {name: [] for name, _ in clients}
    for index in range(count):
        order = clients[index % len(clients):] + clients[:index % len(clients)]
        for name, client in order:
            run = client()
            runs[name].append(run)
            flag = "" if run["ok"] else f"  FAILED ({len(run['stamps'])} images; {run['note']})"
            print(f"  round {index + 1} {name}: wall {_seconds(run['wall'])}, first {_seconds(run['first'])}, "
                  f"mean {_seconds(run['mean'])}{flag}", flush=True)
    return runs


def median(runs, key):
    """The median of `key` over the whole runs; nan when none was whole, so its ratios read nan too."""
    value = med(runs, key)
    return float("nan") if value is None else value


def table(title, runs):
    """A profile's markdown table: the medians, and the completions of the run whose mean is the median."""
    lines = [f"### {title}", "", "| client | wall | first image | mean time to an image | completions (median run) |",
             "|---|---|---|---|---|"]
    for name, client_runs in runs.items():
        whole = [r for r in client_runs if r["ok"]] or client_runs
        middle = sorted(whole, key=lambda r: r["mean"] or 0.0)[len(whole) // 2]
        completions = " ".join(f"{s:.1f}" for s in middle["stamps"])
        lines.append(f"| {name} | {median(client_runs, 'wall'):.2f} s | {median(client_runs, 'first'):.2f} s | "
                     f"{median(client_runs, 'mean'):.2f} s | {completions} |")
    return lines


def _seconds(value):
    return "n/a" if value is None else f"{value:.2f} s"
