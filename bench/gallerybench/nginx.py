"""Debian's nginx on loopback (scripts/nginx-up), serving a folder at `limit_rate` bytes/s per connection.

Each server lives in its own temporary prefix and is stopped by the pid in its pid file, never by name."""

import os
import shutil
import signal
import tempfile
import time
import urllib.parse
import urllib.request

from .runs import sh
from .settings import ROOT

_servers = []  # prefixes of our nginx instances still running


class Served:
    """One running nginx: the files' URLs and a listing of `size url` lines (gallery's input format)."""

    def __init__(self, prefix, urls, listing):
        self.prefix = prefix
        self.urls = urls
        self.listing = listing

    def stop(self):
        stop(self.prefix)


def start(rate, files, workdir, root, log_format=None):
    """Serves `root` (which holds `files`) at `rate` bytes/s per connection, 0 for unlimited. With `log_format`
    (nginx `log_format` text, one line), the access log `PREFIX/access.log` is written in it instead of
    `combined`."""
    prefix = tempfile.mkdtemp(prefix=f"gallery-bench-{rate}.", dir=workdir)
    _servers.append(prefix)
    out = sh(os.path.join(ROOT, "scripts", "nginx-up"), root, str(rate), prefix)
    if out.returncode != 0:
        raise SystemExit(f"bench: nginx did not start: {out.stderr.strip()}")
    port = int(out.stdout.strip())
    urls = urls_of(files, f"http://127.0.0.1:{port}")
    if log_format:
        _use_log_format(prefix, log_format, urls[0])
    return Served(prefix, urls, write_listing(files, urls, os.path.join(prefix, "urls.txt")))


def urls_of(files, base):
    """The URL of each file (served from its folder) under `base`, e.g. http://127.0.0.1:8080."""
    return [f"{base}/{urllib.parse.quote(os.path.basename(p))}" for p in files]


def write_listing(files, urls, path):
    """Writes gallery's input for them, one `size url` line a file, to `path`, and returns the path."""
    with open(path, "w") as f:
        for file, url in zip(files, urls):
            f.write(f"{os.path.getsize(file)} {url}\n")
    return path


def _use_log_format(prefix, log_format, url):
    """Rewrites the server's config to log in `log_format` and reloads it; returns once a request to `url` is
    logged in the new format (its line then starts with `BENCH `), so every later line is in it too."""
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf) as f:
        text = f.read()
    old = f"access_log {prefix}/access.log combined;"
    if old not in text:
        raise SystemExit(f"bench: no `{old}` in {conf}")
    text = text.replace(old, f"log_format bench 'BENCH {log_format}';\n    access_log {prefix}/access.log bench;")
    with open(conf, "w") as f:
        f.write(text)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    out = sh(nginx, "-p", prefix, "-c", conf, "-s", "reload")
    if out.returncode != 0:
        raise SystemExit(f"bench: nginx did not reload: {out.stderr.strip()}")
    log = os.path.join(prefix, "access.log")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        urllib.request.urlopen(url, timeout=5).read()
        with open(log, "rb") as f:
            lines = f.read().splitlines()
        if lines and lines[-1].startswith(b"BENCH "):
            return
        time.sleep(0.05)
    raise SystemExit("bench: nginx did not take its new log format")


def stop(prefix):
    pidfile = os.path.join(prefix, "nginx.pid")
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):  # nginx removes its pid file when the master has exited
            if not os.path.exists(pidfile):
                break
            time.sleep(0.02)
    except (OSError, ValueError):
        pass
    if prefix in _servers:
        _servers.remove(prefix)


def stop_all():
    for prefix in list(_servers):
        stop(prefix)
