"""The lists section: how fast and in how much memory gallery reads URL lists of any length.

Lists of 10, 1M and 10M `BYTES URL` lines (the last about 500 MB), every URL distinct and pointing at one small
JPEG on the bench's nginx, each read by `gallery --count 10 --json`:

- first request: spawn to the first request nginx logged (`$msec - $request_time`, the time its first byte was
  read, in milliseconds, against the wall clock at spawn), first-N; also spawn to the first `started` event (the
  first download handed to the fetch engine, on the bench's monotonic clock);
- full scan: spawn to exit when no line is eligible (first-N), spawn to the first request nginx logged for
  --shuffle and --near; `awk` over the same file, in the same round, is the reference;
- peak RSS of every run (GNU time)."""

import os
import re
import shutil
import time

from .. import nginx
from ..runs import measure
from ..settings import ROOT, env_int
from ..stats import figures, fmt, med, verdict
from .section import Section

COUNT = 10
LINES = [10, 1_000_000, 10_000_000]
LISTS_ROUNDS = max(1, env_int("BENCH_LISTS_ROUNDS", 3))
LISTS_MAX_LINES = env_int("BENCH_LISTS_MAX_LINES", LINES[-1])
FIRST_REQUEST_SLACK_S = 0.020  # the longest list's first request, at most this much later than the shortest's
SCAN_MB_PER_S = 200.0  # a full scan reads at least this much list a second
RSS_LIMIT_MB = 48.0  # every run, every list
STARTED = re.compile(rb'"event":"started"')
# When nginx read a request's first byte, as epoch seconds with milliseconds: its log line is written at the end.
LOG_FORMAT = "$msec $request_time $request"
LOGGED = re.compile(rb"^BENCH (\d+\.\d+) (\d+\.\d+) ", re.M)
NEVER = str(10**12)  # --min-bytes no line reaches
MODES = {
    "first-n": ["--min-bytes", "0"],
    "scan": ["--min-bytes", NEVER],
    "shuffle": ["--shuffle", "--seed", "1"],
    # Low enough that the 10-line list holds a few eligible lines.
    "near": ["--near", "--min-bytes", "50000", "--seed", "1"],
}


def write_list(path, lines, url):
    """`lines` lines of `BYTES URL`, each URL distinct; sizes spread over 1 KB..999 KB."""
    block = 100_000
    with open(path, "w") as f:
        for start in range(0, lines, block):
            f.write("".join(f"{1000 + (i * 7919) % 998_000} {url}?{i}\n"
                            for i in range(start, min(lines, start + block))))
    return os.path.getsize(path)


def _first_logged(log, offset, spawned):
    """Seconds from `spawned` (wall clock) to the start of the first request logged after `offset`; None if none."""
    with open(log, "rb") as f:
        f.seek(offset)
        starts = [float(msec) - float(took) for msec, took in LOGGED.findall(f.read())]
    return min(starts) - spawned if starts else None


def _gallery(bench, path, mode, log):
    argv = [bench.gallery, "--count", str(COUNT), "--json", "--quiet"] + MODES[mode] + [path]
    offset = os.path.getsize(log)
    spawned = time.time()
    run = measure(argv, marker=STARTED, timeout=900)
    run["logged"] = _first_logged(log, offset, spawned)
    # No image is ever shown in the scan (status 2, nothing eligible); the others show theirs, fewer than --count
    # (status 1) where the short list holds fewer eligible lines.
    if run["rc"] not in ((2,) if mode == "scan" else (0, 1)):
        bench.fail(f"lists {mode}", f"exit {run['rc']}: {run['stderr'][-300:].decode(errors='replace').strip()}")
    run["wall"], run["cpu"] = run["clock_wall"], run["rusage_cpu"]
    return {key: run[key] for key in ("wall", "first", "logged", "cpu", "rss_mb", "rc")}


def _round(bench, served, workdir, lines, runs):
    log = os.path.join(served.prefix, "access.log")
    path = os.path.join(workdir, f"list-{lines}.txt")
    size = write_list(path, lines, served.urls[0])
    for r in range(LISTS_ROUNDS):
        for mode in MODES:
            run = _gallery(bench, path, mode, log)
            runs[lines][mode].append(run)
            first, logged = ("-" if run[k] is None else f"{run[k] * 1000:7.1f} ms" for k in ("first", "logged"))
            print(f"   {lines:>10_} lines  round {r + 1}/{LISTS_ROUNDS}  {mode:<8} nginx {logged:>10}  "
                  f"started {first:>10}  wall {run['wall']:6.3f} s  cpu {run['cpu']:5.2f} s  "
                  f"rss {run['rss_mb']:5.1f} MB", flush=True)
        awk = measure(["awk", f"$1>={NEVER}{{n++}}", path], timeout=900)
        awk["wall"] = awk["clock_wall"]
        runs[lines]["awk"].append({"wall": awk["wall"]})
    os.remove(path)
    return size


class Lists(Section):
    name = "lists"

    def prepare(self, bench):
        bench.require(bench.gallery)

    def run(self, bench, workdir):
        folder = os.path.join(workdir, "lists-www")
        os.makedirs(folder)
        image = os.path.join(folder, "a.jpg")
        shutil.copyfile(os.path.join(ROOT, "Fixtures", "jpeg", "good", "grayscale.jpg"), image)
        served = nginx.start(0, [image], workdir, folder, log_format=LOG_FORMAT)
        sizes = [n for n in LINES if n <= LISTS_MAX_LINES]
        print(f"\n## Lists: {', '.join(f'{n:_}' for n in sizes)} lines, --count {COUNT}, {LISTS_ROUNDS} rounds",
              flush=True)
        runs = {n: {mode: [] for mode in list(MODES) + ["awk"]} for n in sizes}
        list_bytes = {n: _round(bench, served, workdir, n, runs) for n in sizes}
        served.stop()
        return {"runs": runs, "bytes": list_bytes}

    def report(self, bench, result):
        runs, list_bytes = result["runs"], result["bytes"]
        lines = ["", f"## Lists: `BYTES URL` lists read by gallery --count {COUNT} --json, {LISTS_ROUNDS} rounds",
                 "", "First request: spawn (wall clock) to the first request nginx logged, by `$msec - "
                 "$request_time` (when it read the request's first byte, to the millisecond); `started`: spawn to "
                 "the first `started` event on gallery's stdout. Scan: spawn to exit with nothing eligible. "
                 "--shuffle/--near: spawn to the first request nginx logged (they read the whole list first). "
                 f"awk: `awk '$1>={NEVER}{{n++}}'` over the same file. CPU: user+sys (rusage) of the scan, --shuffle "
                 "and --near runs (whole runs), which a loaded machine stretches less than the wall times. Peak RSS from GNU time, the largest of all modes.",
                 "", "| lines | MB | first request ms | `started` ms | scan s | --shuffle s | --near s | awk s "
                 "| CPU s scan / shuffle / near | peak RSS MB |",
                 "|---|---|---|---|---|---|---|---|---|---|"]
        ms = lambda runs_, key: fmt(None if not figures(runs_, key) else  # noqa: E731
                                    tuple(v * 1000 for v in figures(runs_, key)), 1)
        for n, r in runs.items():
            rss = max((x["rss_mb"] for mode in MODES for x in r[mode]), default=None)
            cpu = " / ".join(f"{med(r[mode], 'cpu'):.3f}" for mode in ("scan", "shuffle", "near"))
            lines.append(f"| {n:_} | {list_bytes[n] / 1e6:.1f} | {ms(r['first-n'], 'logged')} "
                         f"| {ms(r['first-n'], 'first')} | {fmt(figures(r['scan'], 'wall'), 3)} "
                         f"| {fmt(figures(r['shuffle'], 'logged'), 3)} | {fmt(figures(r['near'], 'logged'), 3)} "
                         f"| {fmt(figures(r['awk'], 'wall'), 3)} | {cpu} | {rss:.1f} |")
        return lines + _targets(runs, list_bytes)

    def raw(self, bench, result):
        return {"lists": {str(n): r for n, r in result["runs"].items()}}


def _targets(runs, list_bytes):
    lines = ["", "Targets (issue 17):", ""]
    smallest, largest = min(runs), max(runs)
    small, large = med(runs[smallest]["first-n"], "logged"), med(runs[largest]["first-n"], "logged")
    ok = None if small is None or large is None else large - small <= FIRST_REQUEST_SLACK_S
    started = med(runs[largest]["first-n"], "first"), med(runs[smallest]["first-n"], "first")
    lines.append(verdict(ok, f"first request (nginx log), {largest:_} lines vs {smallest:_}: "
                         f"{'n/a' if ok is None else f'{(large - small) * 1000:+.1f}'} ms "
                         f"(target <= +{FIRST_REQUEST_SLACK_S * 1000:.0f} ms; first `started` event: "
                         f"{'n/a' if None in started else f'{(started[0] - started[1]) * 1000:+.1f} ms'})"))
    for n, r in runs.items():
        if n < 1_000_000:
            continue
        mb = list_bytes[n] / 1e6
        awk = med(r["awk"], "wall")
        for mode, key, label in (("scan", "wall", "nothing eligible"), ("shuffle", "logged", "--shuffle"),
                                 ("near", "logged", "--near")):
            seconds = med(r[mode], key)
            rate = None if not seconds else mb / seconds
            lines.append(verdict(None if rate is None else rate >= SCAN_MB_PER_S,
                                 f"full scan, {label}, {n:_} lines ({mb:.0f} MB): "
                                 f"{'n/a' if rate is None else f'{seconds:.3f} s = {rate:.0f} MB/s'} "
                                 f"(target >= {SCAN_MB_PER_S:.0f}; awk {awk:.3f} s = {mb / awk:.0f} MB/s; "
                                 f"CPU {med(r[mode], 'cpu'):.3f} s)"))
    rss = max(x["rss_mb"] for r in runs.values() for mode in MODES for x in r[mode])
    lines.append(verdict(rss <= RSS_LIMIT_MB, f"peak RSS, every mode and list: {rss:.1f} MB "
                         f"(target <= {RSS_LIMIT_MB:.0f} MB)"))
    return lines


SECTION = Lists()
