#!/usr/bin/env python3
"""The scheduling bench: does gallery show images one after another where the link is shared, and still all at
once where each connection is limited on its own? Three profiles over the ten ~15 MB demo JPEGs (Fixtures/demo):

  (a) a real shared bottleneck: nginx in a network namespace behind a veth pair with `tc qdisc tbf` at
      SCHED_LINK_RATE (default 200mbit) on the server side (scripts/netns-link; needs root).
  (b) the engine's own cap: nginx on loopback without limits, gallery --max-rate SCHED_MAX_RATE (bytes/s,
      default 25000000).
  (c) today's per-connection pacing: nginx on loopback with limit_rate RATE per connection (default 4 MiB/s).

Clients, alternating over SCHED_ROUNDS rounds (default 3) so drift hits all alike: `curl --parallel
--parallel-immediate`, `curl --http2-prior-knowledge --parallel` (one connection; profile (a), whose port 8081
speaks cleartext HTTP/2), `gallery --schedule even` and gallery's default schedule (adaptive). A gallery without
`--schedule` runs once as "gallery (default)", which is then today's even sharing. Every completion is stamped
with time.monotonic() as its line arrives (curl's `--write-out %{stderr}`, gallery's `--json` "completed"
events), from just before the process is spawned; a run's figures are its first completion, its mean completion
(mean time to an image) and its wall time, and the table shows the median of each over the rounds.

Prints the tables and PASS/FAIL lines against issue 18's targets, and writes them to bench/runs/sched.md.
Exit status: 0 when every run fetched all ten images (whatever the targets say), 1 otherwise, 130 on Ctrl-C.
The namespace and nginx are torn down on any exit. Settings: SCHED_PROFILES (default "abc"), SCHED_ROUNDS,
SCHED_LINK_RATE, SCHED_MAX_RATE, RATE. Python 3 standard library only.
"""

import os
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = os.path.join(ROOT, "Fixtures", "demo")
OUT = os.path.join(ROOT, "bench", "runs", "sched.md")
NETNS_LINK = os.path.join(ROOT, "scripts", "netns-link")
NGINX_UP = os.path.join(ROOT, "scripts", "nginx-up")
COUNT = 10


def env(name, default):
    value = os.environ.get(name, "").strip()
    return value if value else default


PROFILES = env("SCHED_PROFILES", "abc")
ROUNDS = max(1, int(env("SCHED_ROUNDS", "3")))
LINK_RATE = env("SCHED_LINK_RATE", "200mbit")
MAX_RATE = int(env("SCHED_MAX_RATE", "25000000"))
RATE = int(env("RATE", str(4 * 1024 * 1024)))


def release_binary(name):
    path = os.path.join(ROOT, ".build", "release", name)
    if not os.path.exists(path):
        sys.exit(f"sched_bench: {path} is missing; run `make release` first")
    return path


def demo_files():
    names = sorted(f for f in os.listdir(IMAGES) if f.endswith(".jpg")) if os.path.isdir(IMAGES) else []
    if len(names) < COUNT:
        subprocess.run([release_binary("make-demo-jpegs"), IMAGES, str(COUNT)], check=True, stdout=subprocess.DEVNULL)
        names = sorted(f for f in os.listdir(IMAGES) if f.endswith(".jpg"))
    return [(os.path.getsize(os.path.join(IMAGES, n)), n) for n in names[:COUNT]]


class Run:
    """One client's run: completion stamps (seconds from spawn), wall time, and whether all images came."""

    def __init__(self, stamps, wall, ok, note=""):
        self.stamps, self.wall, self.ok, self.note = sorted(stamps), wall, ok, note

    @property
    def first(self):
        return self.stamps[0] if self.stamps else float("nan")

    @property
    def mean(self):
        return statistics.mean(self.stamps) if self.stamps else float("nan")


def timed(argv, stdin_text, stream, marker, timeout=120):
    """Runs argv, stamping each line of `stream` ("stdout" or "stderr") that contains `marker`."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(stdin_text.encode())
    proc.stdin.close()
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "stdout")
    sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
    pending = {"stdout": b"", "stderr": b""}
    stamps, errors = [], []
    open_streams = 2
    while open_streams and time.monotonic() - start < timeout:
        for key, _ in sel.select(timeout=1):
            chunk = os.read(key.fileobj.fileno(), 65536)
            now = time.monotonic() - start
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
                continue
            pending[key.data] += chunk
            *lines, pending[key.data] = pending[key.data].split(b"\n")
            for line in lines:
                text = line.decode(errors="replace")
                if key.data == stream and marker in text:
                    stamps.append(now)
                elif key.data == "stderr" and text.strip():
                    errors.append(text.strip())
    if proc.poll() is None:
        proc.kill()
    status = proc.wait()
    wall = time.monotonic() - start
    return Run(stamps, wall, len(stamps) == COUNT, f"status {status}; " + "; ".join(errors[:2]))


def curl(urls, http2=False):
    argv = ["curl", "-s", "--parallel", "--parallel-immediate", "--parallel-max", str(len(urls)),
            "--write-out", "%{stderr}@@done %{http_code} %{size_download}\\n"]
    if http2:
        argv.append("--http2-prior-knowledge")
    for url in urls:
        argv += ["-o", "/dev/null", url]
    return timed(argv, "", "stderr", "@@done 200")


def gallery(listing, extra):
    argv = [release_binary("gallery"), "--count", str(COUNT), "--json"] + extra
    return timed(argv, listing, "stdout", '"event":"completed"')


def has_schedule_option():
    text = subprocess.run([release_binary("gallery"), "--help"], capture_output=True, text=True).stdout
    return "--schedule" in text


def listing(base, files):
    return "".join(f"{size} {base}/{urllib.parse.quote(name)}\n" for size, name in files)


def gallery_clients(base, files, extra):
    text = listing(base, files)
    if has_schedule_option():
        return [("gallery --schedule even", lambda: gallery(text, extra + ["--schedule", "even"])),
                ("gallery (adaptive)", lambda: gallery(text, extra))]
    return [("gallery (default)", lambda: gallery(text, extra))]


def rounds(clients):
    """Runs every client ROUNDS times, rotating the order each round; returns {name: [Run]}."""
    runs = {name: [] for name, _ in clients}
    for index in range(ROUNDS):
        order = clients[index % len(clients):] + clients[:index % len(clients)]
        for name, run in order:
            result = run()
            runs[name].append(result)
            flag = "" if result.ok else f"  FAILED ({len(result.stamps)} images; {result.note})"
            print(f"  round {index + 1} {name}: wall {result.wall:.2f} s, first {result.first:.2f} s, "
                  f"mean {result.mean:.2f} s{flag}", flush=True)
    return runs


def median(runs, field):
    values = [getattr(r, field) for r in runs if r.ok]
    return statistics.median(values) if values else float("nan")


def table(title, runs):
    lines = [f"### {title}", "", "| client | wall | first image | mean time to an image | completions (median run) |",
             "|---|---|---|---|---|"]
    for name, rs in runs.items():
        good = [r for r in rs if r.ok] or rs
        middle = sorted(good, key=lambda r: r.mean)[len(good) // 2]
        spread = " ".join(f"{s:.1f}" for s in middle.stamps)
        lines.append(f"| {name} | {median(rs, 'wall'):.2f} s | {median(rs, 'first'):.2f} s | "
                     f"{median(rs, 'mean'):.2f} s | {spread} |")
    return lines


def verdict(label, value, limit, text):
    ok = value <= limit
    return f"- {'PASS' if ok else 'FAIL'} {label}: {text}"


def gallery_name(runs):
    return "gallery (adaptive)" if "gallery (adaptive)" in runs else "gallery (default)"


def profile_a(files):
    base = subprocess.run([NETNS_LINK, "up", IMAGES, LINK_RATE], check=True, capture_output=True,
                          text=True).stdout.strip()
    try:
        h2 = base.rsplit(":", 1)[0] + ":" + str(int(base.rsplit(":", 1)[1]) + 1)
        urls = [f"{base}/{urllib.parse.quote(n)}" for _, n in files]
        h2urls = [f"{h2}/{urllib.parse.quote(n)}" for _, n in files]
        clients = [("curl --parallel --parallel-immediate", lambda: curl(urls)),
                   ("curl --http2 (one connection)", lambda: curl(h2urls, http2=True))]
        runs = rounds(clients + gallery_clients(base, files, []))
    finally:
        subprocess.run([NETNS_LINK, "down"], check=False)
    g, c = runs[gallery_name(runs)], runs["curl --parallel --parallel-immediate"]
    gm, cm = median(g, "mean"), median(c, "mean")
    gf, cf = median(g, "first"), median(c, "first")
    gw, cw = median(g, "wall"), median(c, "wall")
    checks = [
        verdict("(a) mean", gm / cm, 0.65, f"mean time to an image ≤ 0.65× curl --parallel-immediate's — "
                f"{gm / cm:.2f}× ({gm:.2f} s vs {cm:.2f} s)"),
        verdict("(a) first", gf / cf, 0.25, f"first image ≤ 0.25× curl's first — {gf / cf:.2f}× "
                f"({gf:.2f} s vs {cf:.2f} s)"),
        verdict("(a) wall", gw / cw, 1.05, f"total wall ≤ 1.05× curl's — {gw / cw:.2f}× ({gw:.2f} s vs {cw:.2f} s)"),
    ]
    return table(f"(a) shared bottleneck: tbf {LINK_RATE} on a veth pair, nginx in a namespace", runs), checks, runs


def with_loopback_nginx(rate, body):
    prefix = tempfile.mkdtemp(prefix="gallery-sched-bench.")
    port = subprocess.run([NGINX_UP, IMAGES, str(rate), prefix], check=True, capture_output=True,
                          text=True).stdout.strip()
    try:
        return body(f"http://127.0.0.1:{port}")
    finally:
        pid_file = os.path.join(prefix, "nginx.pid")
        if os.path.exists(pid_file):
            with open(pid_file) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        subprocess.run(["rm", "-rf", prefix], check=False)


def profile_b(files):
    runs = with_loopback_nginx(0, lambda base: rounds(gallery_clients(base, files, ["--max-rate", str(MAX_RATE)])))
    checks = []
    if "gallery --schedule even" in runs:
        a, e = runs["gallery (adaptive)"], runs["gallery --schedule even"]
        am, em, ew = median(a, "mean"), median(e, "mean"), median(e, "wall")
        checks.append(verdict("(b) mean", am / em, 0.65, f"mean time to an image ≤ 0.65× --schedule even's — "
                              f"{am / em:.2f}× ({am:.2f} s vs {em:.2f} s)"))
        checks.append(verdict("(b) even shares", -(em / ew), -0.9, f"--schedule even's mean ≥ 0.9× its own wall "
                              f"— {em / ew:.2f}× ({em:.2f} s vs {ew:.2f} s)"))
    else:
        g = runs["gallery (default)"]
        checks.append(f"- FAIL (b): gallery has no --schedule; its default's mean is {median(g, 'mean'):.2f} s "
                      f"of a {median(g, 'wall'):.2f} s wall ({median(g, 'mean') / median(g, 'wall'):.2f}×)")
    title = f"(b) the engine's own cap: --max-rate {MAX_RATE} over loopback nginx without limits"
    return table(title, runs), checks, runs


def profile_c(files):
    def body(base):
        urls = [f"{base}/{urllib.parse.quote(n)}" for _, n in files]
        return rounds([("curl --parallel --parallel-immediate", lambda: curl(urls))]
                      + gallery_clients(base, files, []))
    runs = with_loopback_nginx(RATE, body)
    bound = max(size for size, _ in files) / RATE
    g, c = runs[gallery_name(runs)], runs["curl --parallel --parallel-immediate"]
    gw, gf, cf = median(g, "wall"), median(g, "first"), median(c, "first")
    checks = [
        verdict("(c) wall", gw / bound, 1.0, f"wall ≤ 1.00× concurrent bound (largest file ÷ R) — "
                f"{gw / bound:.3f}× ({gw:.2f} s vs {bound:.3f} s)"),
        verdict("(c) first", gf - cf, 0.020, f"first image ≤ curl's first completed transfer + 20 ms — "
                f"{(gf - cf) * 1000:+.0f} ms"),
    ]
    return table(f"(c) per-connection pacing: nginx limit_rate {RATE} per connection on loopback", runs), checks, runs


def measure(profiles=PROFILES):
    """Runs the wanted profiles; returns (markdown lines, PASS/FAIL lines, whether every run fetched every image).
    The entry point for a gallerybench section: its `run` calls this, its `report` returns the lines."""
    files = demo_files()
    report, verdicts, all_ok = [], [], True
    table_of = {"a": profile_a, "b": profile_b, "c": profile_c}
    try:
        for key in profiles:
            print(f"profile ({key}):", flush=True)
            lines, checks, runs = table_of[key](files)
            report += lines + [""]
            verdicts += checks
            all_ok = all_ok and all(r.ok for rs in runs.values() for r in rs)
    finally:
        subprocess.run([NETNS_LINK, "down"], check=False)
    return report, verdicts, all_ok


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    try:
        report, verdicts, all_ok = measure()
    except KeyboardInterrupt:
        return 130
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    heading = f"## Scheduling bench ({ROUNDS} rounds, medians; {stamp}, load {os.getloadavg()[0]:.1f})"
    text = "\n".join([heading, ""] + report + verdicts) + "\n"
    print("\n" + text)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
