"""The formats section: gallery over PNG and WebP at the demo's pace, against the bound, curl and the formats'
reference decoders.

One set of twenty (ten ~15 MB PNGs, ten ~4 MB WebPs: formats_images.py) carries the targets: one run of gallery
`--count 20` (piped) beside curl --parallel over the same URLs, and the reference decoders on the same files
(netpbm's `pngtopam`, libpng; `dwebp -scale W H` without output, libwebp scaled about as gallery asks). The same
pair over the PNGs alone and the WebPs alone follows, for information: it tells which format costs what. So does
gallery over the twenty with `--schedule even`: every transfer receives from the start, so its wall beside the
default's tells what the adaptive schedule's probing costs when the decoders, not the link, hold the transfers back."""

import os

from .. import nginx
from ..runs import measure
from ..settings import env_int
from ..stats import figures, fmt, med, verdict
from .demo import RATE
from .demo_contenders import REPORT_LINE, Contenders
from .formats_images import IMAGES, format_images
from .section import Section

ROUNDS = max(1, env_int("BENCH_FORMATS_ROUNDS", 1))
WALL_TARGET = 1.00  # x the concurrent bound (largest file / RATE), as JPEG does
CPU_TARGET = 1.2  # x (curl + the reference decoders), measured in the same run
RSS_TARGET_MB = 64
DWEBP_SCALE = ("320", "213")  # about what gallery asks libwebp for: twice a 160-pixel-wide thumbnail
SETS = ("both", "png", "webp")  # the first carries the targets
TITLES = {"both": "10 PNG + 10 WebP", "png": "10 PNG", "webp": "10 WebP"}
EVEN = "gallery both even"  # the twenty with --schedule even, for information


def _reference(bench, label, script, files):
    run = measure(["sh", "-c", script, "sh", *files], timeout=600)
    if run["rc"] != 0:
        bench.fail(label, f"exit {run['rc']}: {run['stderr'][-300:].decode(errors='replace').strip()}")
    return run


def _references(bench, pngs, webps):
    png = _reference(bench, "pngtopam", 'for f; do pngtopam "$f" > /dev/null || exit 1; done', pngs)
    scale = " ".join(DWEBP_SCALE)
    webp = _reference(bench, "dwebp", f'for f; do dwebp -quiet -scale {scale} "$f" || exit 1; done', webps)
    return {"pngtopam": png, "dwebp": webp}


def _gallery(contenders, served, key, *extra):
    """gallery piped, as the demo runs it, its failures labelled with this section's set."""
    run = measure(contenders.gallery_argv(served.listing, *extra), marker=REPORT_LINE, timeout=600)
    return contenders.check_gallery(f"formats gallery {key}", run, run["stdout"])


def _progress(r, name, run):
    print(f"   round {r + 1}/{ROUNDS}  {name:<13} wall {run['wall']:6.2f} s  cpu {run['cpu']:5.2f} s  "
          f"rss {run['rss_mb']:6.1f} MB", flush=True)


class Formats(Section):
    name = "formats"

    def prepare(self, bench):
        bench.require(bench.gallery)
        if not bench.curl:
            raise SystemExit("bench: curl is missing (make setup-bench)")
        self.pngs, self.webps = format_images(bench)

    def run(self, bench, workdir):
        files = {"both": self.pngs + self.webps, "png": self.pngs, "webp": self.webps}
        contenders = {key: Contenders(bench, files[key]) for key in SETS}
        served = {key: nginx.start(RATE, files[key], workdir, IMAGES) for key in SETS}
        runs = {f"{who} {key}": [] for key in SETS for who in ("gallery", "curl")}
        runs.update({EVEN: [], "pngtopam": [], "dwebp": []})
        print(f"\n## Formats: RATE={RATE}, {ROUNDS} round(s)", flush=True)
        for r in range(ROUNDS):
            for key in SETS:  # gallery and curl alternate which goes first, round by round
                pair = ("gallery", "curl") if r % 2 == 0 else ("curl", "gallery")
                for who in pair:
                    c = contenders[key]
                    run = _gallery(c, served[key], key) if who == "gallery" else c.curl_parallel(served[key], 600)
                    runs[f"{who} {key}"].append(run)
                    _progress(r, f"{who} {key}", run)
            run = _gallery(contenders["both"], served["both"], "both even", "--schedule", "even")
            runs[EVEN].append(run)
            _progress(r, "gallery even", run)
            for name, run in _references(bench, self.pngs, self.webps).items():
                runs[name].append(run)
                _progress(r, name, run)
        for server in served.values():
            server.stop()
        bounds = {key: max(contenders[key].sizes) / RATE if RATE else None for key in SETS}
        return {"runs": runs, "bounds": bounds}

    def report(self, bench, result):
        runs, bounds = result["runs"], result["bounds"]
        lines = ["", f"## Formats: PNG and WebP at RATE={RATE}", "",
                 f"Ten ~15 MB PNGs (3000x2000, non-interlaced) and ten ~4 MB lossy WebPs (4500x3000, cwebp -q 60), "
                 f"{ROUNDS} round(s); reference decoders: `pngtopam > /dev/null`, `dwebp -scale "
                 f"{' '.join(DWEBP_SCALE)}` without output, one file after another.",
                 "", "| run | wall s | × bound | CPU s | peak RSS MB |", "|---|---|---|---|---|"]
        for key in SETS:
            for who in ("gallery", "curl"):
                rs = runs[f"{who} {key}"]
                wall = med(rs, "wall")
                ratio = f"{wall / bounds[key]:.2f}" if bounds[key] and wall else "n/a"
                lines.append(f"| {who} {TITLES[key]} | {fmt(figures(rs, 'wall'))} | {ratio} | "
                             f"{fmt(figures(rs, 'cpu'))} | {fmt(figures(rs, 'rss_mb'), 1)} |")
            if key == "both":
                rs, wall = runs[EVEN], med(runs[EVEN], "wall")
                ratio = f"{wall / bounds[key]:.2f}" if bounds[key] and wall else "n/a"
                lines.append(f"| gallery {TITLES[key]}, `--schedule even` | {fmt(figures(rs, 'wall'))} | {ratio} | "
                             f"{fmt(figures(rs, 'cpu'))} | {fmt(figures(rs, 'rss_mb'), 1)} |")
        for name in ("pngtopam", "dwebp"):
            lines.append(f"| {name} | {fmt(figures(runs[name], 'wall'))} | | {fmt(figures(runs[name], 'cpu'))} | "
                         f"{fmt(figures(runs[name], 'rss_mb'), 1)} |")
        return lines + _targets(runs, bounds) + _by_format(runs, bounds)

    def raw(self, bench, result):
        keep = ("wall", "cpu", "rss_mb", "rc", "bytes")
        return {"bounds": result["bounds"],
                "runs": {name: [{k: r.get(k) for k in keep} for r in rs] for name, rs in result["runs"].items()}}


def _reference_cpu(runs, key):
    names = {"both": ("pngtopam", "dwebp"), "png": ("pngtopam",), "webp": ("dwebp",)}[key]
    return sum(med(runs[name], "cpu") or 0 for name in names)


def _targets(runs, bounds):
    gallery = runs["gallery both"]
    wall, cpu, rss = med(gallery, "wall"), med(gallery, "cpu"), med(gallery, "rss_mb")
    peers = (med(runs["curl both"], "cpu") or 0) + _reference_cpu(runs, "both")
    lines = ["", "Targets (issue 19), for the twenty together:", ""]
    if bounds["both"]:
        lines.append(verdict(wall <= WALL_TARGET * bounds["both"],
                             f"formats: wall ≤ {WALL_TARGET:.2f}× the concurrent bound — "
                             f"{wall / bounds['both']:.2f}× ({wall:.2f} s vs {bounds['both']:.2f} s)"))
    else:
        lines.append(verdict(None, "formats: wall against the concurrent bound — RATE=0 has none"))
    lines.append(verdict(cpu <= CPU_TARGET * peers,
                         f"formats: CPU ≤ {CPU_TARGET:g}× curl + reference decoders — {cpu / peers:.2f}× "
                         f"({cpu:.2f} s vs {peers:.2f} s)"))
    lines.append(verdict(rss <= RSS_TARGET_MB, f"formats: peak RSS ≤ {RSS_TARGET_MB} MB — {rss:.1f} MB"))
    return lines


def _by_format(runs, bounds):
    """Each format alone. curl's wall is the download alone; when the decoding needs more CPU than the cores give
    in that time, the floor is the reference decoders' CPU spread over every core, whatever the decoder does."""
    cores = os.cpu_count() or 1
    lines = ["", f"For information, each format alone: gallery's wall against curl's and against the floor "
                 f"max(concurrent bound, (curl + reference decoder CPU) / {cores} cores), and its CPU against curl's "
                 "plus that format's reference decoder:", ""]
    for key in ("png", "webp"):
        g, c = runs[f"gallery {key}"], runs[f"curl {key}"]
        peers = (med(c, "cpu") or 0) + _reference_cpu(runs, key)
        floor = max(bounds[key] or 0, peers / cores)
        lines.append(f"- {TITLES[key]}: wall {med(g, 'wall') / med(c, 'wall'):.2f}× curl's, "
                     f"{med(g, 'wall') / floor:.2f}× the floor {floor:.2f} s; "
                     f"CPU {med(g, 'cpu') / peers:.2f}× ({med(g, 'cpu'):.2f} s vs {peers:.2f} s)")
    return lines + _pace(runs)


def _pace(runs):
    """A busy host gives the bench a fraction of a core however many threads it runs: the reference decoders,
    single-threaded and never waiting, show that fraction as CPU over wall. At that pace a run needs its CPU
    divided by it, which is what gallery's wall is compared with here."""
    cpu = sum(med(runs[name], "cpu") or 0 for name in ("pngtopam", "dwebp"))
    wall = sum(med(runs[name], "wall") or 0 for name in ("pngtopam", "dwebp"))
    if not cpu or not wall:
        return []
    pace = cpu / wall
    lines = ["", f"The reference decoders ran at {pace:.2f} of a core (their CPU over their wall); gallery's wall "
                 "against its own CPU at that pace:", ""]
    for key in SETS:
        g = runs[f"gallery {key}"]
        lines.append(f"- {TITLES[key]}: {med(g, 'wall') / (med(g, 'cpu') / pace):.2f}× "
                     f"({med(g, 'wall'):.2f} s vs {med(g, 'cpu') / pace:.2f} s)")
    return lines


SECTION = Formats()
