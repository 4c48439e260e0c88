#!/usr/bin/env python3
"""Writes large images for the memory tests (DecodeTests/FormatMemoryTests) into a folder:
    python3 Fixtures/make-large-images.py OUT_DIR [MEGAPIXELS_PNG] [MEGAPIXELS_WEBP]
big.png (non-interlaced) and big-interlaced.png (Adam7) of MEGAPIXELS_PNG (default 50), and big.webp (lossy) of
MEGAPIXELS_WEBP (default 16), all 3:2. The pixels are a cheap shifting pattern, not a photo: what is measured is the
decoders' memory, which does not depend on the content. Encoded by netpbm's pnmtopng and webp's cwebp.
"""
import os
import subprocess
import sys

out = sys.argv[1]
png_mp = float(sys.argv[2]) if len(sys.argv) > 2 else 50
webp_mp = float(sys.argv[3]) if len(sys.argv) > 3 else 16


def ppm(path, megapixels):
    width = int((megapixels * 1e6 * 1.5) ** 0.5)
    height = int(megapixels * 1e6 / width)
    base = bytes((x * 7 + (x // 3) * 13) % 256 for x in range(width * 3 * 2))
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (width, height))
        for y in range(height):
            start = (y * 3) % (width * 3)
            f.write(base[start:start + width * 3])


def run(command, out_path):
    with open(out_path, "wb") as f:
        subprocess.run(command, stdout=f, check=True)


source = os.path.join(out, "source.ppm")
ppm(source, png_mp)
run(["pnmtopng", "-compression", "1", source], os.path.join(out, "big.png"))
run(["pnmtopng", "-compression", "1", "-interlace", source], os.path.join(out, "big-interlaced.png"))
ppm(source, webp_mp)
subprocess.run(["cwebp", "-quiet", "-q", "80", "-m", "0", source, "-o", os.path.join(out, "big.webp")], check=True)
os.remove(source)
