"""The demo section's contenders over the same ten files: gallery in four modes, curl and djpeg.

Each method measures one run, checks it moved every byte (or records why not), and returns the run."""

import json
import os
import re

from ..runs import COLS, ROWS, measure

# Not anchored: in the pty the first report line follows the last status line after a cursor move.
REPORT_LINE = re.compile(rb"\(\s*(\d+)\)\s+[\d_]+ bytes \| ")
TOTAL_LINE = re.compile(rb"TOTAL BYTES: ([\d_]+)")
# The first thumbnail cell drawn. The tty run draws half-blocks (`--symbols half`): the progress bars use other
# block elements, and the symbol encoder's glyphs include them too, so only the upper half block tells a thumbnail.
HALF_BLOCK = "\u2580".encode()
CURL_DONE = re.compile(rb"@@done ([\d.]+) (\d+) (\d+)\n")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


class Contenders:
    def __init__(self, bench, files):
        self.bench = bench
        self.files = files
        self.sizes = [os.path.getsize(p) for p in files]
        self.total = sum(self.sizes)

    def gallery_argv(self, listing, *extra):
        return [self.bench.gallery, "--count", str(len(self.files)), "--min-bytes", "0", *extra, listing]

    def check_gallery(self, label, run, text):
        shown = len(set(REPORT_LINE.findall(text)))
        total = TOTAL_LINE.search(text)
        got = int(total.group(1).replace(b"_", b"")) if total else None
        run["bytes"] = got
        if run["rc"] != 0 or shown != len(self.files) or got != self.total:
            self.bench.fail(label, f"exit {run['rc']}, {shown} images, TOTAL BYTES {got} (want {self.total})"
                                   f"; stderr: {run['stderr'][-300:].decode(errors='replace').strip()}")
        return run

    def gallery_piped(self, served, timeout):
        run = measure(self.gallery_argv(served.listing), watch="stdout", marker=REPORT_LINE, timeout=timeout)
        return self.check_gallery("gallery piped", run, run["stdout"])

    def gallery_seq(self, served, timeout):
        run = measure(self.gallery_argv(served.listing, "--concurrency", "1"), watch="stdout", marker=REPORT_LINE,
                      timeout=timeout)
        return self.check_gallery("gallery --concurrency 1", run, run["stdout"])

    def gallery_json(self, served, timeout):
        """gallery's own clock: for each image, when its last byte arrived and when it was shown (`--json`)."""
        run = measure(self.gallery_argv(served.listing, "--json"), watch="stdout",
                      marker=re.compile(rb'"completed"'), timeout=timeout)
        events = [json.loads(line) for line in run["stdout"].splitlines() if line.strip()]
        done = [e for e in events if e.get("event") == "completed"]
        run["bytes"] = sum(e["bytes"] for e in done)
        delays = [e["shownAt"] - e["receivedAt"] for e in done if e.get("receivedAt") is not None]
        run["shown_after_last_byte"] = max(delays) if delays else None
        # The first image's time, split: when its last byte arrived (after spawn), and gallery's own part after that.
        if delays and run["first"] is not None and done[0].get("receivedAt") is not None:
            run["first_own"] = delays[0]
            run["first_last_byte"] = run["first"] - delays[0]
        if run["rc"] != 0 or len(done) != len(self.files) or run["bytes"] != self.total:
            self.bench.fail("gallery json", f"exit {run['rc']}, {len(done)} images, {run['bytes']} bytes")
        return run

    def gallery_tty(self, served, timeout):
        run = measure(self.gallery_argv(served.listing, "--render", "blocks", "--symbols", "half"), tty=True,
                      watch="stdout", marker=re.compile(re.escape(HALF_BLOCK)), timeout=timeout)
        run["tty_bytes"] = len(run["stdout"])
        return self.check_gallery("gallery tty", run, ANSI.sub(b"", run["stdout"]).replace(b"\r", b""))

    def curl_parallel(self, served, timeout):
        urls = served.urls
        argv = [self.bench.curl, "-s", "--no-progress-meter", "--parallel", "--parallel-immediate",
                "--parallel-max", str(len(urls)),
                "--write-out", "%{stderr}@@done %{time_total} %{size_download} %{http_code}\\n"]
        for url in urls:
            argv += ["-o", "/dev/null", url]
        run = measure(argv, watch="stderr", marker=CURL_DONE, timeout=timeout)
        done = CURL_DONE.findall(run["stderr"])
        run["bytes"] = sum(int(size) for _, size, _ in done)
        run["first_transfer_total"] = min((float(t) for t, _, _ in done), default=None)
        if run["rc"] != 0 or len(done) != len(urls) or any(code != b"200" for _, _, code in done) \
                or run["bytes"] != self.total:
            self.bench.fail("curl", f"exit {run['rc']}, {len(done)} transfers, {run['bytes']} bytes")
        return run

    def djpeg_all(self, _served, timeout):
        script = 'for f; do djpeg -scale 1/8 -outfile /dev/null "$f" || exit 1; done'
        run = measure(["sh", "-c", script, "sh", *self.files], timeout=timeout)
        run["bytes"] = self.total if run["rc"] == 0 else None
        if run["rc"] != 0:
            self.bench.fail("djpeg", f"exit {run['rc']}: {run['stderr'][-300:].decode(errors='replace')}")
        return run


# (key, the row's title in the table, the Contenders method that measures one run), in the table's order.
CONTENDERS = [
    ("gallery piped", "gallery (piped)", Contenders.gallery_piped),
    ("gallery tty", f"gallery (pty {COLS}x{ROWS}, --render blocks --symbols half)", Contenders.gallery_tty),
    ("gallery seq", "gallery --concurrency 1 (piped)", Contenders.gallery_seq),
    ("gallery json", "gallery --json (piped; per-image timings)", Contenders.gallery_json),
    ("curl", "curl --parallel --parallel-immediate", Contenders.curl_parallel),
    ("djpeg", "djpeg -scale 1/8 (one after another)", Contenders.djpeg_all),
]
