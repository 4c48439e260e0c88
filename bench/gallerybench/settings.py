"""Paths and the settings every section shares, read once from the environment.

A section's own settings (its rounds, its targets) live in its module, next to the code that uses them."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
RAW = os.path.join(ROOT, "bench", "runs", "latest.json")
GNU_TIME = "/usr/bin/time"


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_flag(name):
    return os.environ.get(name, "") not in ("", "0")


QUICK = env_flag("BENCH_QUICK")
if QUICK:
    RESULTS = os.path.join(ROOT, "bench", "runs", "quick.md")
