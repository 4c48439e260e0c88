"""The formats section's inputs: ten photo-like PNGs and ten lossy WebPs made from the demo JPEGs.

Made once and kept in Fixtures/demo/formats (git-ignored, like the JPEGs): each demo JPEG (6000x4000) halved by
djpeg and written by pnmtopng (3000x2000, about 14 MB, non-interlaced), and scaled to 3/4 by djpeg and written by
cwebp -q 60 (4500x3000, about 4 MB). Each file is written under a temporary name and renamed when complete."""

import os
import shutil
import subprocess
import tempfile

from .demo import IMAGES as DEMO_IMAGES, demo_images

IMAGES = os.path.join(DEMO_IMAGES, "formats")
TOOLS = ("djpeg", "pnmtopng", "cwebp", "pngtopam", "dwebp")


def _pipe_to_file(commands, path):
    """Runs a pipeline of argv lists into `path`; a failure stops the bench."""
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
            raise SystemExit(f"bench: {' | '.join(c[0] for c in commands)} failed for {path}")
    os.replace(part, path)


def _webp(jpeg, path):
    with tempfile.NamedTemporaryFile(suffix=".ppm") as ppm:
        _pipe_to_file([["djpeg", "-scale", "3/4", "-pnm", jpeg]], ppm.name)
        subprocess.run(["cwebp", "-quiet", "-q", "60", ppm.name, "-o", path + ".part"], check=True)
    os.replace(path + ".part", path)


def format_images(bench):
    """(pngs, webps): ten of each, made when missing, read once so the page cache holds them."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"bench: {', '.join(missing)} missing (make setup-bench installs netpbm and webp)")
    jpegs = demo_images(bench)[:10]
    os.makedirs(IMAGES, exist_ok=True)
    pngs, webps = [], []
    for i, jpeg in enumerate(jpegs):
        png, webp = (os.path.join(IMAGES, f"photo-{i:02d}.{ext}") for ext in ("png", "webp"))
        if not os.path.exists(png):
            _pipe_to_file([["djpeg", "-scale", "1/2", "-pnm", jpeg], ["pnmtopng"]], png)
        if not os.path.exists(webp):
            _webp(jpeg, webp)
        pngs.append(png)
        webps.append(webp)
    for path in pngs + webps:
        with open(path, "rb") as f:
            while f.read(1 << 22):
                pass
    return pngs, webps
