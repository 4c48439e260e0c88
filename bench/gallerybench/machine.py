"""What the machine was and how busy it was with other work: figures from a busy host are not to be quoted."""

import datetime
import os
import platform
import subprocess
import time

from .settings import ROOT


def busy_seconds():
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_seconds():
    """CPU seconds of this script and every child it has waited for (the measured runs among them)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def snapshot():
    """The counters `quietness` compares against, taken when the bench starts."""
    return busy_seconds(), own_seconds(), time.monotonic()


def quietness(start):
    """How busy the machine was with other work while the bench ran (nginx is counted as other work)."""
    busy0, own0, wall0 = start
    wall = time.monotonic() - wall0
    others = max(0.0, (busy_seconds() - busy0) - (own_seconds() - own0))
    share = others / (wall * (os.cpu_count() or 1)) if wall > 0 else 0.0
    return others, wall, share


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _first_line(argv, stream="stdout"):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        text = (out.stdout if stream == "stdout" else out.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "missing"


def machine_line(gallery):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        pass
    commit = _first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    built = datetime.datetime.fromtimestamp(os.path.getmtime(gallery), datetime.timezone.utc)
    dirty = _first_line(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"])
    curl = " ".join(_first_line(["curl", "--version"]).split()[:2])
    nginx = _first_line(["nginx", "-v"], "stderr").replace("nginx version: ", "")
    if nginx in ("?", "missing"):
        nginx = _first_line(["/usr/sbin/nginx", "-v"], "stderr").replace("nginx version: ", "")
    jpeg = _first_line(["djpeg", "-version"], "stderr")
    return (f"nproc {os.cpu_count()} ({cpu}), load average {load_average()} at the end; "
            f"{_first_line(['swift', '--version'])}; {curl}; {nginx}; {jpeg}; "
            f"Linux {platform.release()}; gallery binary built {built:%Y-%m-%d %H:%M} UTC (HEAD {commit}"
            f"{', uncommitted changes in Sources' if dirty not in ('?', 'missing') else ''}); "
            f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
