"""The demo section's part of bench/RESULTS.md: one table per rate, the ratios, and PASS/FAIL against the targets."""

from ..stats import figures, fmt, med, verdict
from .demo_contenders import CONTENDERS

WALL_TARGET = 1.00  # x concurrent bound
SPEEDUP_TARGET = 9.0  # sequential wall / gallery wall
CPU_TARGET = 1.2  # x (curl + djpeg)
RSS_TARGET_MB = 48.0  # decimal MB (10^6 bytes), as gallery's own status line counts
FIRST_SLACK = 0.020  # s after curl's first completed transfer
SHOWN_SLACK = 0.020  # s from an image's last byte to its line and slot (gallery's own --json timings)
DEFAULT_RATE = 4 * 1024 * 1024


def table(contenders, case):
    rate, runs = case["rate"], case["runs"]
    out = ["| run | n | wall s | CPU s (user+sys) | peak RSS MB | first image s | bytes |",
           "|---|---|---|---|---|---|---|"]
    for name, title, _ in CONTENDERS:
        rs = runs[name]
        if not rs:
            continue
        nbytes = {r.get("bytes") for r in rs}
        byte_cell = f"{nbytes.pop():_}" if len(nbytes) == 1 and None not in nbytes else "mismatch"
        first = fmt(figures(rs, "first"), 3) if name != "djpeg" else "–"
        out.append(f"| {title} | {len(rs)} | {fmt(figures(rs, 'wall'))} | {fmt(figures(rs, 'cpu'))} | "
                   f"{fmt(figures(rs, 'rss_mb'), 1)} | {first} | {byte_cell} |")
    if rate:
        out.append(f"| concurrent bound: largest file ÷ R | – | {case['conc_bound']:.2f} | – | – | – | "
                   f"{max(contenders.sizes):_} |")
        out.append(f"| sequential bound: sum ÷ R | – | {case['seq_bound']:.2f} | – | – | – | "
                   f"{contenders.total:_} |")
    return out


def ratios_and_targets(case):
    rate, runs = case["rate"], case["runs"]
    conc = case["conc_bound"]
    curl_wall, curl_cpu, curl_first = med(runs["curl"], "wall"), med(runs["curl"], "cpu"), med(runs["curl"], "first")
    djpeg_cpu = med(runs["djpeg"], "cpu")
    peers_cpu = curl_cpu + djpeg_cpu if curl_cpu is not None and djpeg_cpu is not None else None
    seq_wall = med(runs["gallery seq"], "wall")
    ratios, targets = [], []
    if rate and curl_wall is not None:
        ratios.append(f"- measured concurrent bound (curl --parallel-immediate wall) ÷ concurrent bound: "
                      f"{curl_wall / conc:.2f}× ({curl_wall:.2f} s vs {conc:.2f} s; nginx's limit_rate sends the "
                      f"first burst at once)")
    if rate and seq_wall is not None:
        ratios.append(f"- gallery --concurrency 1 wall ÷ sequential bound: {seq_wall / case['seq_bound']:.2f}×")
    peers = (curl_wall, curl_cpu, curl_first, djpeg_cpu, peers_cpu, seq_wall)
    for name, mode in (("gallery piped", "piped"), ("gallery tty", "tty")):
        if runs[name]:
            _mode_lines(case, name, mode, peers, ratios, targets)
    return ratios, targets


def _mode_lines(case, name, mode, peers, ratios, targets):
    """The ratios and verdicts of one gallery mode (piped or tty) against the peers' medians."""
    rate, runs, conc = case["rate"], case["runs"], case["conc_bound"]
    curl_wall, curl_cpu, curl_first, djpeg_cpu, peers_cpu, seq_wall = peers
    rs = runs[name]
    wall, cpu, rss, first = med(rs, "wall"), med(rs, "cpu"), figures(rs, "rss_mb"), med(rs, "first")
    if rate:
        lo, hi = min(r["wall"] for r in rs) / conc, max(r["wall"] for r in rs) / conc
        ratios.append(f"- {mode}: gallery wall ÷ concurrent bound = {wall / conc:.2f}× ({lo:.2f}–{hi:.2f})"
                      + (f"; ÷ curl's measured bound = {wall / curl_wall:.2f}×" if curl_wall else ""))
        targets.append(verdict(wall <= WALL_TARGET * conc,
                               f"{mode}: wall ≤ {WALL_TARGET:.2f}× concurrent bound — "
                               f"{wall / conc:.3f}× ({wall:.2f} s vs {conc:.3f} s)"))
    else:
        if curl_wall is not None:
            ratios.append(f"- {mode}: gallery wall ÷ curl --parallel wall = {wall / curl_wall:.2f}× "
                          f"({wall:.2f} s vs {curl_wall:.2f} s)")
    if seq_wall is not None:
        ratios.append(f"- {mode}: sequential wall ÷ gallery wall (the talk's speed-up) = {seq_wall / wall:.1f}×")
        if rate:
            targets.append(verdict(seq_wall / wall >= SPEEDUP_TARGET,
                                   f"{mode}: sequential ÷ concurrent ≥ {SPEEDUP_TARGET:g} — "
                                   f"{seq_wall / wall:.1f}× ({seq_wall:.1f} s ÷ {wall:.2f} s)"))
    if peers_cpu:
        ratios.append(f"- {mode}: gallery CPU ÷ (curl CPU + djpeg CPU) = {cpu / peers_cpu:.2f}× "
                      f"({cpu:.2f} s vs {curl_cpu:.2f} + {djpeg_cpu:.2f} s)")
        targets.append(verdict(cpu <= CPU_TARGET * peers_cpu,
                               f"{mode}: CPU ≤ {CPU_TARGET:g}× (curl + djpeg 1/8) — {cpu / peers_cpu:.3f}× "
                               f"({cpu:.2f} s vs {peers_cpu:.2f} s)"))
    else:
        targets.append(verdict(None, f"{mode}: CPU ≤ {CPU_TARGET:g}× (curl + djpeg 1/8) — curl or djpeg "
                                     "missing (make setup-bench)"))
    ratios.append(f"- {mode}: gallery peak RSS = {rss[0]:.1f} MB ({rss[1]:.1f}–{rss[2]:.1f})")
    targets.append(verdict(rss[0] <= RSS_TARGET_MB,
                           f"{mode}: peak RSS ≤ {RSS_TARGET_MB:g} MB — {rss[0]:.1f} MB (max {rss[2]:.1f})"))
    what = "first report line" if mode == "piped" else "first thumbnail drawn"
    if first is not None and curl_first is not None:
        ratios.append(f"- {mode}: {what} − curl's first completed transfer = "
                      f"{(first - curl_first) * 1000:+.0f} ms ({first:.3f} s vs {curl_first:.3f} s)")
        if rate:  # unlimited, the first image waits for a whole decode that curl does not do
            targets.append(verdict(first <= curl_first + FIRST_SLACK,
                                   f"{mode}: {what} ≤ curl's first completed transfer + "
                                   f"{FIRST_SLACK * 1000:.0f} ms — {(first - curl_first) * 1000:+.0f} ms"))
    elif rate:
        targets.append(verdict(None, f"{mode}: first image ≤ curl's first transfer + 20 ms — no curl"))
    latency = med(runs["gallery json"], "shown_after_last_byte")
    arrived, own = med(runs["gallery json"], "first_last_byte"), med(runs["gallery json"], "first_own")
    if mode == "piped" and rate and None not in (arrived, own, curl_first):
        ratios.append(f"- where the first image's time goes (gallery --json, medians): its last byte − curl's first "
                      f"completed transfer = {(arrived - curl_first) * 1000:+.0f} ms (start-up and the server's "
                      f"pacing), then {own * 1000:.1f} ms of gallery's own (decoding the last burst, drawing)")
    if mode == "piped" and latency is not None:
        ratios.append(f"- slowest image shown after its last byte (gallery --json, median of runs): "
                      f"{latency * 1000:.1f} ms")
        targets.append(verdict(latency <= SHOWN_SLACK, f"each image shown ≤ {SHOWN_SLACK * 1000:.0f} ms after "
                                                       f"its last byte — {latency * 1000:.1f} ms (slowest image)"))


def lines(contenders, cases, pty_size, seconds):
    files, sizes = contenders.files, contenders.sizes
    lines = ["", f"**Files:** {len(files)} demo JPEGs, {contenders.total:_} bytes (largest {max(sizes):_}), "
                 f"served by nginx on 127.0.0.1 over HTTP/1.1 with `limit_rate` R per connection; the pty reports "
                 f"`stty size` = {pty_size}; gallery runs `--count {len(files)} --min-bytes 0` on the URL list; "
                 f"order rotated every round."]
    for case in cases:
        rate = case["rate"]
        title = (f"R = {rate:_} bytes/s ({rate / 1048576:g} MiB/s)" if rate else "R = 0 (unlimited: CPU dominates)")
        lines += ["", f"## {title}, {case['rounds']} rounds", ""]
        if rate:
            lines.append(f"Bounds: concurrent = largest file ÷ R = **{case['conc_bound']:.2f} s**; "
                         f"sequential = sum ÷ R = **{case['seq_bound']:.1f} s**.")
            lines.append("")
        lines += table(contenders, case)
        ratios, targets = ratios_and_targets(case)
        lines += ["", "Ratios (of medians):", ""] + ratios
        lines += ["", f"Targets (issue 7){'' if rate else ' that apply without a rate limit'}:", ""] + targets
    lines += ["", "## Notes", "",
              "- The concurrent bound is the theory (largest file ÷ R); nginx's `limit_rate` sends a first burst "
              "at once (one second's worth, at most `sendfile_max_chunk`, 2 MiB) and paces the rest, so a transfer "
              "ends that much sooner: the curl row is the measured concurrent bound on this machine, and both are "
              "reported above.",
              f"- `gallery --concurrency 1` takes the sum ÷ R (~{contenders.total / DEFAULT_RATE:.0f} s at 4 MiB/s), "
              "so it runs in only some rounds (BENCH_SEQ_ROUNDS, spread over the rounds).",
              "- At RATE=0 the first-image figures are for information only: curl decodes nothing, and one "
              "15 MB decode alone takes longer than the 20 ms slack (see the first image of "
              "`gallery --concurrency 1` there).",
              "- djpeg reads the same files from the page cache, one after another, at scale 1/8; curl + djpeg is "
              "the best-of-breed cost of the same bytes and images. It never touches the server, so it runs in the "
              "first case's rounds only and both tables count those runs. The tty mode pays for drawing as well.",
              "- Each image's delay from last byte to shown comes from gallery's own clock (`--json`: `receivedAt`, "
              "`shownAt`), in piped runs; in the pty the slot's frame is queued before the line is written. "
              "`receivedAt` is when curl reported the transfer done, so the delay includes decoding the bytes of "
              "the last burst.",
              "- nginx runs with `timer_resolution 1ms` (Fixtures/nginx/nginx.conf.in), so its pacing is a "
              "clock rather than a source of noise: without it, each 500 ms wait of `limit_rate` was measured "
              "from the time nginx had read before its last round of sendfile calls, every step started late by "
              "however long that round took, and the first completed transfer moved by ±20 ms from run to run, "
              "for curl as for gallery. The split of the first image's time above shows how much of it is "
              "gallery's own.",
              f"- This run took {seconds:.0f} s."]
    return lines
