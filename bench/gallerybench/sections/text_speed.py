"""The text section's speed targets: the cell encoder alone on one 30×10-cell slot (`cell-bench speed`), against
the half-block encoder at the same colour depth timed in the same run."""

import statistics
import subprocess

from ..settings import env_int
from ..stats import verdict

ROUNDS = max(1, env_int("TEXT_SPEED_ROUNDS", 5))
RUNS = 100  # encodes per median, as the target says
DEFAULT_SETS = ["block", "all"]  # block everywhere, all where the terminal draws sextants itself
MAX_MS = 2.0
MAX_RATIO = 10.0


def measure(binary):
    """{(set, depth): (median ms, median ratio)} over ROUNDS runs of `cell-bench speed`, each line a median of
    RUNS encodes; the half-block baselines are under the set `half-blocks`."""
    samples = {}
    for _ in range(ROUNDS):
        out = subprocess.run([binary, "speed", str(RUNS)], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            name, depth, ms, ratio = line.split()
            samples.setdefault((name, depth), []).append((float(ms), float(ratio)))
    return {key: (statistics.median(m for m, _ in values), statistics.median(r for _, r in values))
            for key, values in samples.items()}


def report(speeds):
    """The table and one PASS/FAIL line per default set and depth."""
    if not speeds:
        return []
    depths = [depth for name, depth in speeds if name == "half-blocks"]
    lines = ["", f"Cell encoder alone, one 30×10-cell slot (`cell-bench speed`): median of {RUNS} encodes, median "
             f"of {ROUNDS} rounds; ratio to the half-block encoder at the same depth in the same round. Targets "
             f"for the default sets: ≤ {MAX_MS:g} ms and ≤ {MAX_RATIO:g}× half-blocks.",
             "", "| set | " + " | ".join(depths) + " |", "|---|" + "---|" * len(depths)]
    for name in ["half-blocks"] + sorted({n for n, _ in speeds} - {"half-blocks"}):
        cells = [f"{speeds[(name, d)][0]:.3f} ms ({speeds[(name, d)][1]:.1f}×)" for d in depths if (name, d) in speeds]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for name in DEFAULT_SETS:
        for depth in depths:
            if (name, depth) not in speeds:
                continue
            ms, ratio = speeds[(name, depth)]
            lines.append(verdict(ms <= MAX_MS and ratio <= MAX_RATIO,
                                 f"text speed: `{name}` in {_depth(depth)} ≤ {MAX_MS:g} ms and ≤ {MAX_RATIO:g}× "
                                 f"half-blocks — {ms:.3f} ms, {ratio:.1f}×"))
    return lines


def _depth(depth):
    return depth if depth == "truecolor" else f"{depth} colours"
