"""The browse section: `gallery --browse` in a 160x50 pty over the demo sheet, Enter on the first image.

Enlarge time runs from writing Enter to the end of the enlarged frame (its status line without "decoding…"), and is
set against `djpeg -scale M/8` decoding the same file at the scale gallery's decoder picks for the window, plus 30 ms
for drawing. Peak RSS is GNU time's for the whole browse run (every thumbnail downloaded, one image enlarged)."""

import fcntl
import os
import pty
import select
import struct
import termios
import time

from .. import nginx, stats
from ..runs import BASE_ENV, COLS, ROWS, sh
from ..settings import GNU_TIME, env_int
from .demo import demo_images
from .section import Section

RSS_TARGET_KB = 64 * 1024
DRAW_ALLOWANCE = 0.030
# The end of the enlarged view's status line.
HINT_END = b"q: back"


def read_until(fd, predicate, buffer, timeout):
    """Reads the pty into `buffer` until `predicate(buffer)` holds; the monotonic time it did, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return None
            if not chunk:
                return None
            buffer.extend(chunk)
            if predicate(buffer):
                return time.monotonic()
    return None


def enlarged_done(start):
    """True once the enlarged frame is written: its status line is the second hint after Enter (the first says
    "decoding…" and goes out at once)."""
    return lambda buffer: buffer.count(HINT_END, start) >= 2


def browse_once(bench, listing, count, rss_path):
    """One browse run in a pty it controls (so /dev/tty is the pty): returns (enlarge seconds, exit status)."""
    argv = [GNU_TIME, "-f", "%M", "-o", rss_path, bench.gallery, "-b", "--render", "blocks", "--symbols", "half",
            "--count", str(count), listing]
    pid, master = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, BASE_ENV)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    buffer = bytearray()
    shown = read_until(master, lambda b: f"{count} of {count} shown".encode() in b, buffer, 600)
    seconds = None
    if shown is not None:
        start = len(buffer)
        os.write(master, b"\r")
        entered = time.monotonic()
        done = read_until(master, enlarged_done(start), buffer, 120)
        seconds = done - entered if done is not None else None
        os.write(master, b"q")
        time.sleep(0.2)
        os.write(master, b"q")
    read_until(master, lambda b: False, buffer, 10 if shown is not None else 1)
    _, status = os.waitpid(pid, 0)
    os.close(master)
    return seconds, os.waitstatus_to_exitcode(status)


def jpeg_size(path):
    """(width, height) from the JPEG's first SOF marker."""
    with open(path, "rb") as f:
        data = f.read(1 << 20)
    at = 2
    while at + 9 < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    raise SystemExit(f"bench: no SOF marker in {path}")


def matching_scale(path):
    """The M of djpeg -scale M/8 that gallery's decoder uses for the enlarged view: the smallest whose output still
    covers the image fitted into the window's pixel box (the last row is the status line)."""
    width, height = jpeg_size(path)
    box_w, box_h = COLS, (ROWS - 1) * 2
    if width * box_h >= box_w * height:
        fit_w, fit_h = box_w, max(1, box_w * height // width)
    else:
        fit_w, fit_h = max(1, box_h * width // height), box_h
    for m in range(1, 9):
        if -(-width * m // 8) >= fit_w and -(-height * m // 8) >= fit_h:
            return m
    return 8


def djpeg_seconds(path, m):
    start = time.monotonic()
    out = sh("djpeg", "-scale", f"{m}/8", "-outfile", os.devnull, path)
    return time.monotonic() - start if out.returncode == 0 else None


class Browse(Section):
    name = "browse"

    def prepare(self, bench):
        self.files = demo_images(bench)
        if not bench.djpeg:
            raise SystemExit("bench: the browse section needs djpeg (libjpeg-turbo-progs)")

    def run(self, bench, workdir):
        rounds = env_int("BENCH_BROWSE_ROUNDS", 5)
        served = nginx.start(0, self.files, workdir, os.path.dirname(self.files[0]))
        first = self.files[0]
        m = matching_scale(first)
        runs = []
        listing = os.path.join(workdir, "browse-one.txt")
        with open(listing, "w") as f:
            f.write(served.urls[0] + "\n")
        sheet = served.listing
        for round_ in range(rounds):
            rss_path = os.path.join(workdir, f"browse-rss-{round_}")
            enlarge, status = browse_once(bench, listing, 1, rss_path)
            _, sheet_status = browse_once(bench, sheet, len(self.files), rss_path + "-sheet")
            run = {"enlarge": enlarge, "djpeg": djpeg_seconds(first, m), "rss_kb": read_rss(rss_path + "-sheet")}
            if enlarge is None or status != 0 or sheet_status != 0:
                bench.fail(f"browse round {round_ + 1}", f"enlarge {enlarge}, exit {status}, sheet exit {sheet_status}")
            runs.append(run)
            print(f"  browse round {round_ + 1}: enlarge {fmt_s(enlarge)}, djpeg 1/{8 // m if 8 % m == 0 else f'{m}/8'} "
                  f"{fmt_s(run['djpeg'])}, peak RSS {run['rss_kb']} kB", flush=True)
        served.stop()
        return {"runs": runs, "scale": m}

    def report(self, bench, result):
        runs, m = result["runs"], result["scale"]
        enlarge, djpeg = stats.med(runs, "enlarge"), stats.med(runs, "djpeg")
        rss = stats.med(runs, "rss_kb")
        limit = djpeg * 1.2 + DRAW_ALLOWANCE if djpeg is not None else None
        return [
            "",
            "## Browsing (`--browse`, 160x50 pty, `--render blocks --symbols half`)",
            "",
            "| figure | median (min–max) |",
            "|---|---|",
            f"| enlarge (Enter → frame written), s | {stats.fmt(stats.figures(runs, 'enlarge'), 3)} |",
            f"| djpeg -scale {m}/8 of the same file, s | {stats.fmt(stats.figures(runs, 'djpeg'), 3)} |",
            f"| peak RSS browsing the demo sheet, MB | {stats.fmt(scaled(stats.figures(runs, 'rss_kb')), 1)} |",
            "",
            stats.verdict(None if enlarge is None or limit is None else enlarge <= limit,
                          f"enlarge time ≤ 1.2 × djpeg + 30 ms ({fmt_s(enlarge)} vs {fmt_s(limit)})"),
            stats.verdict(None if rss is None else rss <= RSS_TARGET_KB,
                          f"peak RSS ≤ 64 MB ({rss / 1024:.1f} MB)" if rss else "peak RSS ≤ 64 MB"),
        ]

    def raw(self, bench, result):
        return {"browse": result["runs"]}


def read_rss(path):
    try:
        with open(path) as f:
            return int(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None


def scaled(fig):
    return None if fig is None else tuple(v / 1024 for v in fig)


def fmt_s(seconds):
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


SECTION = Browse()
