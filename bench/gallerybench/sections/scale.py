"""The scale section: 1,000 small JPEGs, --concurrency 50, unlimited rate, with gallery (which decodes every image),
fetch-bench (the fetch engine alone: Sources/fetch-bench, built by `make release`) and curl --parallel.

Its targets apply to fetch-bench against curl; gallery's figures are for information."""

import os
import re
import shutil

from .. import nginx
from ..runs import measure
from ..settings import ROOT, env_int
from ..stats import figures, fmt, med, verdict
from .demo_contenders import TOTAL_LINE
from .section import Section

SCALE_FILES = 1000
SCALE_CONCURRENCY = 50
SCALE_ROUNDS = max(1, env_int("BENCH_SCALE_ROUNDS", 9))
# fetch-bench and curl run this many times a round (gallery once): their runs last tens of ms, so a few ms of
# start-up or a scheduling hiccup moves one run by a tenth, and one run of each a round left the ratio's verdict
# to chance.
SCALE_ENGINE_RUNS = max(1, env_int("BENCH_SCALE_ENGINE_RUNS", 3))
SCALE_RATE_TARGET = 0.9  # x curl's transfers per second
SCALE_CPU_TARGET = 1.5  # x curl's CPU seconds
FETCH_BENCH_LINE = re.compile(rb"transfers=(\d+) bytes=(\d+) seconds=([\d.]+)")


def scale_files(workdir):
    """1,000 small JPEGs (25–85 KB) made of the committed fixtures, under distinct names."""
    folder = os.path.join(workdir, "small")
    os.makedirs(folder)
    sources = [os.path.join(ROOT, "Fixtures", "jpeg", "good", n)
               for n in ("baseline-420.jpg", "progressive.jpg", "panorama-12000x300.jpg")]
    files = []
    for i in range(SCALE_FILES):
        path = os.path.join(folder, f"small-{i:04d}.jpg")
        shutil.copyfile(sources[i % len(sources)], path)
        files.append(path)
    return folder, files


def _gallery(bench, served):
    run = measure([bench.gallery, "--count", str(SCALE_FILES), "--concurrency", str(SCALE_CONCURRENCY),
                   served.listing], timeout=300)
    got = TOTAL_LINE.search(run["stdout"])
    run["bytes"] = int(got.group(1).replace(b"_", b"")) if got else None
    return run


def _fetch_bench(bench, url_list):
    run = measure([bench.binary("fetch-bench"), "--concurrency", str(SCALE_CONCURRENCY)], stdin_path=url_list,
                  timeout=300)
    got = FETCH_BENCH_LINE.search(run["stdout"])
    done = int(got.group(1)) if got else None
    run["bytes"] = int(got.group(2)) if got and done == SCALE_FILES else None
    run["own_seconds"] = float(got.group(3)) if got else None  # its own clock: first request to last byte
    if run["rc"] != 0:
        print(f"    fetch-bench: {run['stderr'][-300:].decode(errors='replace').strip()}", flush=True)
    return run


def _curl(bench, served, workdir, total):
    config = os.path.join(workdir, "curl-urls.txt")
    with open(config, "w") as f:
        for url in served.urls:
            f.write(f'url = "{url}"\noutput = "/dev/null"\n')
    run = measure([bench.curl, "-s", "--parallel", "--parallel-immediate", "--parallel-max",
                   str(SCALE_CONCURRENCY), "-K", config], timeout=300)
    run["bytes"] = total if run["rc"] == 0 else None
    return run


def _rounds(bench, served, workdir, total):
    print(f"\n## Scale: {SCALE_FILES} small files, --concurrency {SCALE_CONCURRENCY}, unlimited rate, "
          f"{SCALE_ROUNDS} rounds (fetch-bench and curl {SCALE_ENGINE_RUNS} times each a round)", flush=True)
    runs = {"gallery": [], "fetch-bench": [], "curl": []}
    pair = ["fetch-bench", "curl"] if bench.curl else ["fetch-bench"]
    url_list = os.path.join(workdir, "scale-urls.txt")  # fetch-bench reads plain URLs on stdin
    with open(url_list, "w") as f:
        f.writelines(f"{url}\n" for url in served.urls)
    for r in range(SCALE_ROUNDS):
        # Which of the pair goes first alternates within the round and from round to round; gallery comes first in
        # every other round.
        engines = [name for i in range(SCALE_ENGINE_RUNS) for name in (pair if (i + r) % 2 == 0 else pair[::-1])]
        for name in (["gallery"] + engines if r % 2 == 0 else engines + ["gallery"]):
            if name == "gallery":
                run = _gallery(bench, served)
            elif name == "fetch-bench":
                run = _fetch_bench(bench, url_list)
            else:
                run = _curl(bench, served, workdir, total)
            if run["rc"] != 0 or run["bytes"] != total:
                bench.fail(f"scale {name}", f"exit {run['rc']}, {run['bytes']} bytes (want {total})")
            # Runs of tens of ms: GNU time's 10 ms steps would be a large part of the figure, so wall and CPU come
            # from time.monotonic() around the run and from wait4's rusage instead.
            run["wall"], run["cpu"] = run["clock_wall"], run["rusage_cpu"]
            run["per_second"] = SCALE_FILES / run["wall"] if run["wall"] else None
            runs[name].append(run)
            print(f"   round {r + 1}/{SCALE_ROUNDS}  {name:<11} wall {run['wall']:6.2f} s  cpu {run['cpu']:5.2f} s  "
                  f"rss {run['rss_mb']:6.1f} MB", flush=True)
    return runs


class Scale(Section):
    name = "scale"

    def prepare(self, bench):
        bench.require(bench.gallery, bench.binary("fetch-bench"))

    def run(self, bench, workdir):
        folder, files = scale_files(workdir)
        total = sum(os.path.getsize(p) for p in files)
        served = nginx.start(0, files, workdir, folder)
        runs = _rounds(bench, served, workdir, total)
        served.stop()
        return runs

    def report(self, bench, runs):
        lines = ["", f"## Scale: {SCALE_FILES} small files (25–85 KB), --concurrency {SCALE_CONCURRENCY}, "
                 "unlimited rate",
                 "", "Wall from time.monotonic() around each run and CPU from wait4's rusage (microseconds), since "
                 "the runs last tens of ms; peak RSS from GNU time.",
                 "", "| run | n | wall s | transfers/s | CPU s | peak RSS MB |", "|---|---|---|---|---|---|"]
        for name, title in (("gallery", "gallery (piped; decodes every image)"),
                            ("fetch-bench", "fetch-bench (the fetch engine alone: bodies counted, not decoded)"),
                            ("curl", f"curl --parallel --parallel-immediate --parallel-max {SCALE_CONCURRENCY}")):
            rs = runs.get(name) or []
            if rs:
                lines.append(f"| {title} | {len(rs)} | {fmt(figures(rs, 'wall'))} | "
                             f"{fmt(figures(rs, 'per_second'), 0)} | {fmt(figures(rs, 'cpu'))} | "
                             f"{fmt(figures(rs, 'rss_mb'), 1)} |")
        return lines + _targets(runs)


def _targets(runs):
    engine_rate, curl_rate = med(runs.get("fetch-bench") or [], "per_second"), med(runs.get("curl") or [], "per_second")
    engine_cpu, curl_cpu = med(runs.get("fetch-bench") or [], "cpu"), med(runs.get("curl") or [], "cpu")
    gallery_rate, gallery_cpu = med(runs["gallery"], "per_second"), med(runs["gallery"], "cpu")
    lines = ["", "Targets (issue 3), for the fetch engine (fetch-bench) against curl:", ""]
    if engine_rate and curl_rate:
        lines.append(verdict(engine_rate >= SCALE_RATE_TARGET * curl_rate,
                             f"scale: fetch-bench transfers/s ≥ {SCALE_RATE_TARGET:g}× curl's — "
                             f"{engine_rate / curl_rate:.2f}× ({engine_rate:.0f}/s vs {curl_rate:.0f}/s)"))
        lines.append(verdict(engine_cpu <= SCALE_CPU_TARGET * curl_cpu,
                             f"scale: fetch-bench CPU ≤ {SCALE_CPU_TARGET:g}× curl's — {engine_cpu / curl_cpu:.2f}× "
                             f"({engine_cpu:.2f} s vs {curl_cpu:.2f} s)"))
    else:
        lines.append(verdict(None, "scale: fetch-bench against curl — no figures (curl missing or runs failed)"))
    if gallery_rate and curl_rate:
        lines += ["", f"For information, gallery (which also decodes {SCALE_FILES:,} JPEGs; curl decodes nothing): "
                      f"{gallery_rate / curl_rate:.2f}× curl's transfers/s ({gallery_rate:.0f}/s), "
                      f"{gallery_cpu / curl_cpu:.2f}× its CPU ({gallery_cpu:.2f} s)."]
    return lines


SECTION = Scale()
