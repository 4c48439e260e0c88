"""What every section shares: the release binaries, the peers (curl, djpeg), and the list of failed runs."""

import os
import shutil
import subprocess
import sys
import time

from . import machine
from .runs import sh
from .settings import ROOT


def bin_path():
    out = sh("swift", "build", "-c", "release", "--package-path", ROOT, "--show-bin-path")
    if out.returncode != 0:
        raise SystemExit(f"bench: swift build --show-bin-path failed: {out.stderr.strip()}")
    return out.stdout.strip()


class Bench:
    def __init__(self, bindir):
        self.bindir = bindir
        self.gallery = self.binary("gallery")
        self.curl = shutil.which("curl")
        self.djpeg = shutil.which("djpeg")
        self.errors = []
        self.started = machine.snapshot()

    def seconds(self):
        """Wall seconds since the bench started."""
        return time.monotonic() - self.started[2]

    def binary(self, name):
        """The path of one of our release products (`make release` builds them)."""
        return os.path.join(self.bindir, name)

    def require(self, *paths):
        """Exits with one line naming the first of our binaries that is missing."""
        for path in paths:
            if not os.access(path, os.X_OK):
                raise SystemExit(f"bench: {path} is missing; run `make release` (or `make bench`) first")

    def run_quietly(self, argv):
        """Runs a setup command (not measured), its stdout discarded; a failure stops the bench."""
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)

    def warn(self, message):
        print(f"bench: {message}", file=sys.stderr)

    def fail(self, label, why):
        """Records a run that failed or gave the wrong bytes: the bench then exits 1 and the report lists it."""
        self.errors.append(f"{label}: {why}")
        print(f"    ERROR {label}: {why}", flush=True)
