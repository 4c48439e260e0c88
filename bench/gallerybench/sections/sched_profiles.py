"""The sched section's three profiles and their targets (issue 18). Each returns its table's lines, its PASS/FAIL
lines and its runs ({client: [run]}).

  (a) a real shared bottleneck: nginx in a network namespace behind a veth pair with `tc qdisc tbf` at the link
      rate on the server side (scripts/netns-link; root). Port 8081 of the namespace's nginx speaks cleartext
      HTTP/2, for `curl --http2-prior-knowledge` over one connection.
  (b) the engine's own cap: nginx on loopback without limits, gallery --max-rate.
  (c) per-connection pacing: nginx on loopback with limit_rate per connection."""

import os

from .. import nginx
from ..runs import sh
from ..settings import ROOT
from ..stats import verdict
from .sched_clients import curl, gallery_clients, median, rounds, table

NETNS_LINK = os.path.join(ROOT, "scripts", "netns-link")
CURL = "curl --parallel --parallel-immediate"
ADAPTIVE = "gallery (adaptive)"
EVEN = "gallery --schedule even"

A_MEAN = 0.65  # (a) gallery's mean time to an image, x curl --parallel-immediate's
A_FIRST = 0.25  # (a) gallery's first image, x curl's first
A_WALL = 1.05  # (a) gallery's wall, x curl's
B_MEAN = 0.65  # (b) the adaptive mean time to an image, x --schedule even's
B_EVEN_SHARES = 0.9  # (b) --schedule even's mean, at least this share of its own wall (equal sharing)
C_WALL = 1.0  # (c) gallery's wall, x the concurrent bound (largest file / rate)
C_FIRST_SLACK = 0.020  # (c) gallery's first image, at most curl's first completed transfer + this many seconds
# Ratios print with three decimals: (a)'s first image sits near its 0.25× target, and a 0.2552 shown as "0.25×"
# beside FAIL reads as a contradiction.


class SharedLink:
    """scripts/netns-link up: the files' folder served behind the tbf bottleneck, until `stop`."""

    def __init__(self, files, workdir, rate):
        out = sh(NETNS_LINK, "up", os.path.dirname(files[0]), rate)
        if out.returncode != 0:
            raise SystemExit(f"bench: scripts/netns-link up failed: {out.stderr.strip()}")
        base = out.stdout.strip()
        host, port = base.rsplit(":", 1)
        self.urls = nginx.urls_of(files, base)
        self.http2_urls = nginx.urls_of(files, f"{host}:{int(port) + 1}")
        self.listing = nginx.write_listing(files, self.urls, os.path.join(workdir, "sched-link-urls.txt"))

    @staticmethod
    def stop():
        """Stops its nginx and deletes the namespace; succeeds when nothing is up."""
        sh(NETNS_LINK, "down")


def shared_link(bench, files, workdir, settings):
    link = SharedLink(files, workdir, settings.link_rate)
    try:
        clients = [(CURL, lambda: curl(bench, link.urls)),
                   ("curl --http2 (one connection)", lambda: curl(bench, link.http2_urls, http2=True))]
        runs = rounds(clients + gallery_clients(bench, link.listing, []), settings.rounds)
    finally:
        link.stop()
    (gm, cm), (gf, cf), (gw, cw) = [(median(runs[ADAPTIVE], key), median(runs[CURL], key))
                                    for key in ("mean", "first", "wall")]
    checks = [
        verdict(gm / cm <= A_MEAN, f"(a) mean: mean time to an image ≤ {A_MEAN}× curl --parallel-immediate's — "
                f"{gm / cm:.3f}× ({gm:.2f} s vs {cm:.2f} s)"),
        verdict(gf / cf <= A_FIRST, f"(a) first: first image ≤ {A_FIRST}× curl's first — {gf / cf:.3f}× "
                f"({gf:.2f} s vs {cf:.2f} s)"),
        verdict(gw / cw <= A_WALL, f"(a) wall: total wall ≤ {A_WALL}× curl's — {gw / cw:.3f}× "
                f"({gw:.2f} s vs {cw:.2f} s)"),
    ]
    title = f"(a) shared bottleneck: tbf {settings.link_rate} on a veth pair, nginx in a namespace"
    return table(title, runs), checks, runs


def rate_cap(bench, files, workdir, settings):
    served = nginx.start(0, files, workdir, os.path.dirname(files[0]))
    try:
        runs = rounds(gallery_clients(bench, served.listing, ["--max-rate", str(settings.max_rate)]),
                      settings.rounds)
    finally:
        served.stop()
    am, em, ew = median(runs[ADAPTIVE], "mean"), median(runs[EVEN], "mean"), median(runs[EVEN], "wall")
    checks = [
        verdict(am / em <= B_MEAN, f"(b) mean: mean time to an image ≤ {B_MEAN}× --schedule even's — "
                f"{am / em:.3f}× ({am:.2f} s vs {em:.2f} s)"),
        verdict(em / ew >= B_EVEN_SHARES, f"(b) even shares: --schedule even's mean ≥ {B_EVEN_SHARES}× its own "
                f"wall — {em / ew:.3f}× ({em:.2f} s vs {ew:.2f} s)"),
    ]
    title = f"(b) the engine's own cap: --max-rate {settings.max_rate} over loopback nginx without limits"
    return table(title, runs), checks, runs


def per_connection(bench, files, workdir, settings):
    served = nginx.start(settings.rate, files, workdir, os.path.dirname(files[0]))
    try:
        runs = rounds([(CURL, lambda: curl(bench, served.urls))]
                      + gallery_clients(bench, served.listing, []), settings.rounds)
    finally:
        served.stop()
    bound = max(os.path.getsize(f) for f in files) / settings.rate
    gw, gf, cf = median(runs[ADAPTIVE], "wall"), median(runs[ADAPTIVE], "first"), median(runs[CURL], "first")
    checks = [
        verdict(gw / bound <= C_WALL, f"(c) wall: wall ≤ {C_WALL:.2f}× concurrent bound (largest file ÷ R) — "
                f"{gw / bound:.3f}× ({gw:.2f} s vs {bound:.3f} s)"),
        verdict(gf - cf <= C_FIRST_SLACK, f"(c) first: first image ≤ curl's first completed transfer + "
                f"{C_FIRST_SLACK * 1000:.0f} ms — {(gf - cf) * 1000:+.0f} ms"),
    ]
    title = f"(c) per-connection pacing: nginx limit_rate {settings.rate} per connection on loopback"
    return table(title, runs), checks, runs


PROFILES = {"a": shared_link, "b": rate_cap, "c": per_connection}
