"""The demo section: ten ~15 MB JPEGs at RATE bytes/s per connection, gallery against curl, djpeg and the bounds.

Serves the demo JPEGs (Fixtures/demo, written by make-demo-jpegs when missing) and runs the contenders in a
rotating order over several rounds, so drift hits all alike; then the same at RATE=0 (CPU cost dominates) with
fewer rounds, unless RATE=0 was the main case already or BENCH_QUICK=1."""

import os

from .. import nginx
from ..runs import check_pty_size
from ..settings import QUICK, ROOT, env_flag, env_int
from ..stats import spread
from . import demo_report
from .demo_contenders import CONTENDERS, Contenders
from .section import Section

IMAGES = os.path.join(ROOT, "Fixtures", "demo")
DEFAULT_RATE = 4 * 1024 * 1024
RATE = env_int("RATE", DEFAULT_RATE)
ROUNDS = max(1, env_int("BENCH_ROUNDS", 9))
SEQ_ROUNDS = 0 if QUICK else max(1, min(ROUNDS, env_int("BENCH_SEQ_ROUNDS", 2)))
FAST_ROUNDS = max(1, env_int("BENCH_FAST_ROUNDS", 5))
RUN_FAST = RATE != 0 and not QUICK and not env_flag("BENCH_NO_FAST")

MEASURE = {key: method for key, _, method in CONTENDERS}


def demo_images(bench):
    maker = bench.binary("make-demo-jpegs")
    bench.require(maker, bench.gallery)
    bench.run_quietly([maker, IMAGES, "10"])
    files = sorted(os.path.join(IMAGES, f) for f in os.listdir(IMAGES) if f.endswith(".jpg"))
    if not files:
        raise SystemExit(f"bench: no JPEGs in {IMAGES}")
    for path in files:  # warm the page cache so the first round is not the only one reading the disk
        with open(path, "rb") as f:
            while f.read(1 << 22):
                pass
    return files


def run_case(contenders, rate, rounds, seq_rounds, workdir, djpeg_runs=None):
    """`rounds` rounds at `rate`. djpeg never touches the server: given `djpeg_runs` (another case's), the case
    counts those instead of decoding the same files again."""
    bench = contenders.bench
    served = nginx.start(rate, contenders.files, workdir, IMAGES)
    seq_bound = contenders.total / rate if rate else None
    conc_bound = max(contenders.sizes) / rate if rate else None
    slack = 60.0 + (seq_bound or 0) * 3
    names = ["gallery piped", "gallery tty", "gallery json"]
    if bench.curl:
        names.append("curl")
    if bench.djpeg and djpeg_runs is None:
        names.append("djpeg")
    seq_at = spread(seq_rounds, rounds)
    runs = {name: [] for name, _, _ in CONTENDERS}
    if djpeg_runs is not None:
        runs["djpeg"] = djpeg_runs
    label = f"{rate / 1048576:g} MiB/s" if rate else "unlimited"
    print(f"\n## RATE={rate} ({label}): {rounds} rounds, sequential in {len(seq_at)}", flush=True)
    if rate:
        print(f"   bounds: concurrent {conc_bound:.2f} s (largest file / R), sequential {seq_bound:.1f} s (sum / R)")
    for r in range(rounds):
        order = names + (["gallery seq"] if r in seq_at else [])
        shift = r % len(order)
        order = order[shift:] + order[:shift]
        for name in order:
            run = MEASURE[name](contenders, served, slack)
            run["round"] = r + 1
            runs[name].append(run)
            first = f"{run['first']:.3f} s" if run["first"] is not None else "-"
            print(f"   round {r + 1}/{rounds}  {name:<14} wall {run['wall']:6.2f} s  cpu {run['cpu']:5.2f} s  "
                  f"rss {run['rss_mb']:6.1f} MB  first {first}", flush=True)
    served.stop()
    return {"rate": rate, "rounds": rounds, "conc_bound": conc_bound, "seq_bound": seq_bound, "runs": runs}


class Demo(Section):
    name = "demo"
    quick = True

    def prepare(self, bench):
        self.files = demo_images(bench)
        for tool in ("curl", "djpeg"):
            if not getattr(bench, tool):
                bench.warn(f"{tool} not installed (make setup-bench): its rows are skipped")
        self.pty_size = check_pty_size()

    def run(self, bench, workdir):
        contenders = Contenders(bench, self.files)
        cases = [run_case(contenders, RATE, ROUNDS, SEQ_ROUNDS, workdir)]
        if RUN_FAST:
            cases.append(run_case(contenders, 0, FAST_ROUNDS, FAST_ROUNDS, workdir,
                                  djpeg_runs=cases[0]["runs"]["djpeg"]))
        return {"contenders": contenders, "cases": cases}

    def report(self, bench, result):
        return demo_report.lines(result["contenders"], result["cases"], self.pty_size, bench.seconds())

    def raw(self, bench, result):
        def clean(run):
            return {k: v for k, v in run.items() if k not in ("stdout", "stderr")}
        contenders = result["contenders"]
        return {"files": contenders.files, "sizes": contenders.sizes,
                "cases": [{**{k: v for k, v in c.items() if k != "runs"},
                           "runs": {n: [clean(r) for r in rs] for n, rs in c["runs"].items()}}
                          for c in result["cases"]]}


SECTION = Demo()
