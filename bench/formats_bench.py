#!/usr/bin/env python3
"""The formats bench (issue 19): gallery over PNG and WebP, against the physical bound and against peers.

One run of `gallery --count 20` (piped) over ten ~15 MB photo-like PNGs (non-interlaced) and ten ~4 MB lossy WebPs,
served by Debian's nginx on loopback at RATE bytes/s per connection (the demo's pace, 4 MiB/s by default), beside:
- curl fetching the same twenty URLs in parallel (the download alone), and
- the formats' reference decoders on the same files: netpbm's `pngtopam` (libpng) for each PNG, `dwebp -scale W H`
  without output (libwebp, scaled as gallery asks for) for each WebP.

Targets (printed as PASS/FAIL lines with the figures):
- wall: gallery's wall time <= 1.00x the concurrent bound (largest file / RATE), as JPEG does;
- CPU: gallery's user + system time <= 1.2x (curl's + the reference decoders'), all measured in this run;
- peak RSS: <= 64 MB.

The images are made once from the demo's JPEGs (make-demo-jpegs, 6000x4000 photo-like) and kept in
Fixtures/demo/formats: each JPEG halved by djpeg and written by pnmtopng (the PNG, 3000x2000, about 14 MB), and
scaled to 3/4 (4500x3000, 13.5 megapixels) through cwebp -q 60 (the WebP, about 4 MB). Needs release binaries (`make release`; GALLERY_BIN_DIR overrides where they are) and the Debian
packages curl, nginx-light, netpbm, webp, libjpeg-turbo-progs and time. Exits 0 when every target passes, 1 when
one fails, 2 when the bench itself cannot run.

    python3 bench/formats_bench.py            # RATE=0 runs without pacing
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "Fixtures", "demo")
IMAGES = os.path.join(DEMO, "formats")
RATE = int(os.environ.get("RATE", "") or 4 * 1024 * 1024)
COUNT = 20
WALL_TARGET = 1.00
CPU_TARGET = 1.2
RSS_TARGET_MB = 64
DWEBP_SCALE = ("320", "200")  # about what gallery asks libwebp for: twice a 160x100 thumbnail
GNU_TIME = "/usr/bin/time"


def fail(message):
    print(f"formats-bench: {message}", file=sys.stderr)
    sys.exit(2)


def bin_dir():
    if os.environ.get("GALLERY_BIN_DIR"):
        return os.environ["GALLERY_BIN_DIR"]
    out = subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT, "--show-bin-path"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"swift build --show-bin-path failed: {out.stderr.strip()}")
    return out.stdout.strip()


def pipe_to_file(commands, path):
    """Runs a pipeline of argv lists into `path` (written under a temporary name, renamed when complete)."""
    part = path + ".part"
    with open(part, "wb") as out:
        procs = []
        for i, argv in enumerate(commands):
            stdin = procs[-1].stdout if procs else subprocess.DEVNULL
            stdout = out if i == len(commands) - 1 else subprocess.PIPE
            procs.append(subprocess.Popen(argv, stdin=stdin, stdout=stdout))
            if i > 0:
                procs[-2].stdout.close()
        if any(p.wait() != 0 for p in procs):
            fail(f"{' | '.join(c[0] for c in commands)} failed for {path}")
    os.replace(part, path)


def make_images(bindir):
    os.makedirs(IMAGES, exist_ok=True)
    subprocess.run([os.path.join(bindir, "make-demo-jpegs"), DEMO, "10"], check=True, stdout=subprocess.DEVNULL)
    jpegs = sorted(os.path.join(DEMO, f) for f in os.listdir(DEMO) if f.endswith(".jpg"))[:10]
    if len(jpegs) < 10:
        fail(f"expected 10 demo JPEGs in {DEMO}, found {len(jpegs)}")
    files = []
    for i, jpeg in enumerate(jpegs):
        png = os.path.join(IMAGES, f"photo-{i:02d}.png")
        webp = os.path.join(IMAGES, f"photo-{i:02d}.webp")
        if not os.path.exists(png):
            pipe_to_file([["djpeg", "-scale", "1/2", "-pnm", jpeg], ["pnmtopng"]], png)
        if not os.path.exists(webp):
            with tempfile.NamedTemporaryFile(suffix=".ppm") as ppm:
                pipe_to_file([["djpeg", "-scale", "3/4", "-pnm", jpeg]], ppm.name)
                subprocess.run(["cwebp", "-quiet", "-q", "60", ppm.name, "-o", webp + ".part"], check=True)
                os.replace(webp + ".part", webp)
        files += [png, webp]
    return files


def measure(argv, stdin_path=None):
    """Wall seconds, CPU seconds (user + system) and peak RSS in MB of one run under GNU time, and its output."""
    fd, timefile = tempfile.mkstemp(prefix="formats-bench-time.")
    os.close(fd)
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        run = subprocess.run([GNU_TIME, "-f", "%e %U %S %M", "-o", timefile] + argv, stdin=stdin,
                             capture_output=True, timeout=600)
        with open(timefile) as f:
            wall, user, system, rss_kb = f.read().split()[-4:]
    finally:
        if stdin_path:
            stdin.close()
        os.unlink(timefile)
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss_mb": int(rss_kb) * 1024 / 1e6,
            "rc": run.returncode, "stdout": run.stdout.decode(errors="replace"),
            "stderr": run.stderr.decode(errors="replace")}


def start_nginx(workdir):
    prefix = os.path.join(workdir, "nginx")
    out = subprocess.run([os.path.join(ROOT, "scripts", "nginx-up"), IMAGES, str(RATE), prefix],
                         capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"nginx did not start: {out.stderr.strip()}")
    return prefix, int(out.stdout.strip())


def stop_nginx(prefix):
    pidfile = os.path.join(prefix, "nginx.pid")
    try:
        with open(pidfile) as f:
            os.kill(int(f.read().strip()), signal.SIGTERM)
        for _ in range(100):
            if not os.path.exists(pidfile):
                break
            time.sleep(0.02)
    except (OSError, ValueError):
        pass


def verdict(ok, text):
    print(f"{'PASS' if ok else 'FAIL'} {text}", flush=True)
    return ok


def main():
    for tool in ("curl", "nginx-up", "pngtopam", "dwebp", "cwebp", "pnmtopng", "djpeg"):
        if tool != "nginx-up" and shutil.which(tool) is None:
            fail(f"{tool} is missing (apt-get install curl netpbm webp libjpeg-turbo-progs)")
    if not os.access(GNU_TIME, os.X_OK):
        fail("GNU time is missing (apt-get install time)")
    bindir = bin_dir()
    gallery = os.path.join(bindir, "gallery")
    if not os.access(gallery, os.X_OK):
        fail(f"{gallery} is missing; run `make release` first")
    files = make_images(bindir)
    sizes = {f: os.path.getsize(f) for f in files}
    pngs = [f for f in files if f.endswith(".png")]
    webps = [f for f in files if f.endswith(".webp")]
    print(f"formats bench: {len(pngs)} PNGs (mean {sum(sizes[f] for f in pngs) / len(pngs) / 1e6:.1f} MB), "
          f"{len(webps)} WebPs (mean {sum(sizes[f] for f in webps) / len(webps) / 1e6:.1f} MB), RATE={RATE}")
    for path in files:  # warm the page cache so no contender is the only one reading the disk
        with open(path, "rb") as f:
            while f.read(1 << 22):
                pass

    workdir = tempfile.mkdtemp(prefix="formats-bench.")
    prefix, port = start_nginx(workdir)
    try:
        urls = [f"http://127.0.0.1:{port}/{os.path.basename(f)}" for f in files]
        listing = os.path.join(workdir, "urls.txt")
        with open(listing, "w") as f:
            f.writelines(f"{sizes[path]} {url}\n" for path, url in zip(files, urls))
        run = measure([gallery, "--count", str(COUNT)], stdin_path=listing)
        shown = [line for line in run["stdout"].splitlines() if " bytes | " in line]
        if run["rc"] != 0 or len(shown) != COUNT:
            fail(f"gallery exited {run['rc']} with {len(shown)} images shown: {run['stderr'].strip()[:400]}")
        curl = measure(["curl", "--silent", "--fail", "--parallel", "--parallel-max", str(COUNT)]
                       + [arg for url in urls for arg in ("--output", "/dev/null", url)])
        if curl["rc"] != 0:
            fail(f"curl exited {curl['rc']}")
    finally:
        stop_nginx(prefix)
        shutil.rmtree(workdir, ignore_errors=True)
    png_ref = [measure(["sh", "-c", 'exec pngtopam "$0" > /dev/null', f]) for f in pngs]
    webp_ref = [measure(["dwebp", "-quiet", "-scale", *DWEBP_SCALE, f]) for f in webps]
    if any(r["rc"] != 0 for r in png_ref + webp_ref):
        fail("a reference decoder failed")

    bound = max(sizes.values()) / RATE if RATE else None
    reference_cpu = sum(r["cpu"] for r in png_ref) + sum(r["cpu"] for r in webp_ref)
    peers = curl["cpu"] + reference_cpu
    print(f"gallery: wall {run['wall']:.2f} s, CPU {run['cpu']:.2f} s, peak RSS {run['rss_mb']:.1f} MB")
    print(f"curl: wall {curl['wall']:.2f} s, CPU {curl['cpu']:.2f} s; pngtopam {sum(r['cpu'] for r in png_ref):.2f} s, "
          f"dwebp {sum(r['cpu'] for r in webp_ref):.2f} s CPU")
    ok = True
    if bound:
        ok &= verdict(run["wall"] <= WALL_TARGET * bound,
                      f"wall {run['wall']:.2f} s = {run['wall'] / bound:.2f}x the concurrent bound {bound:.2f} s "
                      f"(target <= {WALL_TARGET:.2f}x)")
    else:
        print("(RATE=0: no concurrent bound)")
    ok &= verdict(run["cpu"] <= CPU_TARGET * peers,
                  f"CPU {run['cpu']:.2f} s = {run['cpu'] / peers:.2f}x curl + reference decoders {peers:.2f} s "
                  f"(target <= {CPU_TARGET}x)")
    ok &= verdict(run["rss_mb"] <= RSS_TARGET_MB,
                  f"peak RSS {run['rss_mb']:.1f} MB (target <= {RSS_TARGET_MB} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
