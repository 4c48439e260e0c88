#!/usr/bin/env python3
"""gallery's list benchmark: how fast and in how much memory gallery reads URL lists of any length.

Generates lists of 10, 1M and 10M `BYTES URL` lines (the last about 500 MB) pointing at a loopback nginx that
logs each request's time ($msec), and runs the release `gallery --count 10` over them:

- first request: spawn -> first request in nginx's log, first-N selection; the 10M-line list may take at most
  20 ms more than the 10-line one.
- full scan: spawn -> exit when no line is eligible (first-N), spawn -> first request for --shuffle and --near;
  at least 200 MB/s of list. `awk '$1>=N{n++}'` over the same file, in the same run, is the reference.
- peak RSS of every run: at most 48 MB.

Usage: python3 bench/lists_bench.py [--lines 10,1000000,10000000] [--bin DIR] [--keep]
Prints one PASS/FAIL line per target, with the figures and awk's, and a Markdown table for bench/RESULTS.md.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = os.path.join(ROOT, "Fixtures", "jpeg", "good", "grayscale.jpg")
COUNT = 10
RSS_LIMIT_MB = 48
FIRST_REQUEST_SLACK_S = 0.020
SCAN_MB_PER_S = 200.0

NGINX_CONF = """\
{user}
worker_processes 1;
timer_resolution 1ms;
daemon on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ image/jpeg jpg; }}
    log_format stamped '$msec $request';
    access_log {prefix}/access.log stamped;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


class Nginx:
    """Debian's nginx over one small JPEG, logging when each request was served."""

    def __init__(self, workdir):
        self.prefix = os.path.join(workdir, "nginx")
        root = os.path.join(workdir, "www")
        os.makedirs(self.prefix)
        os.makedirs(root)
        shutil.copy(IMAGE, os.path.join(root, "a.jpg"))
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        conf = os.path.join(self.prefix, "nginx.conf")
        with open(conf, "w") as f:
            user = "user root;" if os.getuid() == 0 else ""
            f.write(NGINX_CONF.format(user=user, prefix=self.prefix, port=self.port, root=root))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run([nginx, "-p", self.prefix, "-c", conf, "-e", self.prefix + "/error.log"], check=True)
        self.log = os.path.join(self.prefix, "access.log")

    def mark(self):
        """Where the log ends now: requests after this are the next run's."""
        return os.path.getsize(self.log) if os.path.exists(self.log) else 0

    def first_request_after(self, offset):
        """$msec of the first request logged past `offset`, or None."""
        with open(self.log, "rb") as f:
            f.seek(offset)
            line = f.readline()
        return float(line.split()[0]) if line else None

    def stop(self):
        try:
            with open(os.path.join(self.prefix, "nginx.pid")) as f:
                os.kill(int(f.read()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


def write_list(path, lines, port):
    """`lines` lines of `BYTES URL`, each URL distinct; sizes spread over 1 KB..999 KB."""
    block = 100_000
    with open(path, "w") as f:
        for start in range(0, lines, block):
            f.write(
                "".join(
                    f"{1000 + (i * 7919) % 998_000} http://127.0.0.1:{port}/a.jpg?{i}\n"
                    for i in range(start, min(lines, start + block))
                )
            )
    return os.path.getsize(path)


def run(argv, nginx, timeout=600):
    """Runs gallery; returns (seconds to exit, seconds to the first request or None, peak RSS in MB, status)."""
    mark = nginx.mark()
    started = time.time()
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.time() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.001)
    ended = time.time()
    first = nginx.first_request_after(mark)
    return {
        "wall": ended - started,
        "first": None if first is None else first - started,
        "rss": usage.ru_maxrss / 1024,
        "status": os.waitstatus_to_exitcode(status),
    }


def awk_scan(path, threshold):
    started = time.time()
    subprocess.run(["awk", f"$1>={threshold}{{n++}}", path], check=True, stdout=subprocess.DEVNULL)
    return time.time() - started


def verdict(ok, text):
    print(("PASS " if ok else "FAIL ") + text)
    return ok


def measure(gallery, nginx, workdir, sizes):
    base = [gallery, "--count", str(COUNT), "--render", "none", "--quiet"]
    results = {}
    for lines in sizes:
        path = os.path.join(workdir, f"list-{lines}.txt")
        size = write_list(path, lines, nginx.port)
        never = str(10**12)
        results[lines] = {
            "bytes": size,
            "first-n": run(base + ["--min-bytes", "0", path], nginx),
            "scan": run(base + ["--min-bytes", never, path], nginx),
            "shuffle": run(base + ["--shuffle", "--seed", "1", path], nginx),
            "near": run(base + ["--near", "--min-bytes", "500000", "--seed", "1", path], nginx),
            "awk": awk_scan(path, never),
        }
        os.remove(path)
    return results


def report(results):
    ok = True
    smallest, largest = min(results), max(results)
    small, large = results[smallest]["first-n"]["first"], results[largest]["first-n"]["first"]
    if small is None or large is None:
        ok &= verdict(False, f"first request: no request logged ({smallest} lines: {small}, {largest}: {large})")
    else:
        ok &= verdict(
            large - small <= FIRST_REQUEST_SLACK_S,
            f"first request: {largest:_} lines {large * 1000:.1f} ms vs {smallest:_} lines {small * 1000:.1f} ms "
            f"(+{(large - small) * 1000:.1f} ms, target <= +{FIRST_REQUEST_SLACK_S * 1000:.0f} ms)",
        )
    for lines, r in sorted(results.items()):
        if lines < 1_000_000:
            continue
        mb = r["bytes"] / 1e6
        for mode, key in (("nothing eligible", "wall"), ("--shuffle", "first"), ("--near", "first")):
            run_ = r["scan" if mode == "nothing eligible" else mode.lstrip("-")]
            seconds = run_[key]
            if seconds is None:
                ok &= verdict(False, f"full scan {mode}, {lines:_} lines: no request logged")
                continue
            ok &= verdict(
                mb / seconds >= SCAN_MB_PER_S,
                f"full scan {mode}, {lines:_} lines ({mb:.0f} MB): {seconds:.3f} s = {mb / seconds:.0f} MB/s "
                f"(target >= {SCAN_MB_PER_S:.0f}; awk {r['awk']:.3f} s = {mb / r['awk']:.0f} MB/s)",
            )
    for lines, r in sorted(results.items()):
        for mode in ("first-n", "scan", "shuffle", "near"):
            ok &= verdict(
                r[mode]["rss"] <= RSS_LIMIT_MB,
                f"peak RSS {mode}, {lines:_} lines: {r[mode]['rss']:.1f} MB (target <= {RSS_LIMIT_MB}; "
                f"exit {r[mode]['status']})",
            )
    print("\n| lines | MB | first request | scan (exit) | --shuffle first | --near first | awk | peak RSS (max) |")
    print("|---|---|---|---|---|---|---|---|")
    for lines, r in sorted(results.items()):
        ms = lambda v: "-" if v is None else f"{v * 1000:.0f} ms"  # noqa: E731
        rss = max(r[m]["rss"] for m in ("first-n", "scan", "shuffle", "near"))
        print(
            f"| {lines:_} | {r['bytes'] / 1e6:.1f} | {ms(r['first-n']['first'])} | {ms(r['scan']['wall'])} | "
            f"{ms(r['shuffle']['first'])} | {ms(r['near']['first'])} | {ms(r['awk'])} | {rss:.1f} MB |"
        )
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="10,1000000,10000000", help="list sizes, comma-separated")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"), help="where gallery is")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (lists removed anyway)")
    args = parser.parse_args()
    gallery = os.path.join(args.bin, "gallery")
    if not os.access(gallery, os.X_OK):
        sys.exit(f"lists_bench: {gallery} is missing; run `make release` first")
    sizes = sorted(int(n) for n in args.lines.split(","))
    workdir = tempfile.mkdtemp(prefix="gallery-lists-bench.")
    nginx = Nginx(workdir)
    try:
        ok = report(measure(gallery, nginx, workdir, sizes))
    finally:
        nginx.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
