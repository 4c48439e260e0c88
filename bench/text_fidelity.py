#!/usr/bin/python3
"""How faithfully text thumbnails show real images: gallery's half-blocks, gallery's symbol encoder and chafa.

Real wallpapers (Debian's plasma-workspace-wallpapers and ukui-wallpapers) are drawn by each renderer into the same
box of cells, in two real terminals under Xvfb with one font and xterm's palette: kitty (which draws block glyphs
itself) and xterm with DejaVu Sans Mono (whose glyphs come from the font). Each drawing's screenshot is scored
against the source resized to the cells it covers, with Debian's python3-skimage:

  SSIM    structural_similarity on luminance (higher is better)
  dE      mean deltaE_ciede2000 (lower is better)
  blurdE  the same after blurring both images by half a cell, i.e. tone and colour without the cell pattern
The source is shrunk, and both images blurred, in linear light.

Targets, per terminal, box and colour depth, on the mean over the images: the new default's SSIM >= chafa's, and
its blurred dE <= the lower of chafa's and 1.25x gallery's half-blocks. Prints PASS/FAIL for each, and saves a
side-by-side picture (source, half-blocks, new default, chafa) of the first image.

Renderers: gallery through `cell-bench draw` (the encoders alone, the gallery's linear-light fit into the slot's
pixel box), `--symbols half --dither none` and the default for the terminal (`all` in kitty, `block` in xterm,
`--dither none`); chafa pinned as `chafa -f symbols -c full|240|16 --size WxH`.

Usage: bench/text_fidelity.py [--images N] [--sizes 120x35,64x17] [--terminals kitty,xterm] [--png PATH]
Needs: swift, Xvfb, xwd, ImageMagick's convert, kitty, xterm, chafa, python3-skimage, the two wallpaper packages.
"""
import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.ndimage import gaussian_filter
from skimage.color import deltaE_ciede2000, rgb2gray, rgb2lab
from skimage.metrics import structural_similarity
from skimage.transform import resize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPTHS = [("truecolor", "full"), ("256", "240"), ("16", "16")]
XTERM16 = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
           "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]
DEFAULT_SET = {"kitty": "all", "xterm": "block"}
DITHER = os.environ.get("TEXT_FIDELITY_DITHER", "none")  # gallery's default; set it to compare the others
# Illustrations and renders with gradients, outlines and fine detail; the first found are used, in this order.
IMAGES = ["/usr/share/wallpapers/Path/contents/images/2560x1600.jpg",
          "/usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg",
          "/usr/share/wallpapers/Kite/contents/images/2560x1600.jpg",
          "/usr/share/wallpapers/DarkestHour/contents/images/2560x1600.jpg",
          "/usr/share/backgrounds/goldfish.png", "/usr/share/backgrounds/calla.png",
          "/usr/share/wallpapers/Autumn/contents/images/2560x1600.jpg"]
CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    width, height = int(fields.group(1)), int(fields.group(2))
    return np.frombuffer(data[fields.end():fields.end() + width * height * 3], np.uint8).reshape(height, width, 3)


def to_ppm(source, path):
    """The source, shrunk to at most 1600 pixels (the decoder's DCT scaling stands in here), as a binary PPM."""
    subprocess.run(["convert", source, "-resize", "1600x1600>", "-colorspace", "sRGB", "-depth", "8", "-strip",
                    "ppm:" + path],
                   check=True)


class Display:
    """A private Xvfb display, large enough for three renderers by three colour depths of the largest box."""

    def __init__(self):
        read, write = os.pipe()
        self.server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "3400x2100x24",
                                        "-nolisten", "tcp"], pass_fds=[write], stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.name = ":" + f.readline().strip()

    def close(self):
        self.server.terminate()
        self.server.wait()


def terminal_argv(program, title, columns, rows, command):
    if program == "kitty":
        options = ["font_family=DejaVu Sans Mono", "font_size=10", f"initial_window_width={columns}c",
                   f"initial_window_height={rows}c", "remember_window_size=no", "window_padding_width=0",
                   "placement_strategy=top-left", "background=#000000", "foreground=#ffffff",
                   "cursor_blink_interval=0", "enable_audio_bell=no", "confirm_os_window_close=0",
                   "update_check_interval=0"] + [f"color{i}={c}" for i, c in enumerate(XTERM16)]
        return ["kitty", "--config", "NONE", "-T", title] + [a for o in options for a in ("-o", o)] + \
            ["/bin/sh", "-c", command]
    return ["xterm", "-fa", "DejaVu Sans Mono", "-fs", "10", "-T", title, "-bg", "black", "-fg", "white", "-b", "0",
            "-bw", "0", "-geometry", f"{columns}x{rows}+0+0", "-xrm", "XTerm*allowTitleOps: false",
            "-e", "/bin/sh", "-c", command]


def screenshot(display, title):
    xwd = subprocess.run(["xwd", "-display", display, "-name", title, "-nobdrs", "-silent"], capture_output=True)
    if xwd.returncode != 0 or not xwd.stdout:
        return None
    ppm = subprocess.run(["convert", "xwd:-", "-strip", "ppm:-"], input=xwd.stdout, capture_output=True, check=True).stdout
    fields = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    width, height = int(fields.group(1)), int(fields.group(2))
    return np.frombuffer(ppm[fields.end():], np.uint8)[:width * height * 3].reshape(height, width, 3)


def show(display, program, columns, rows, drawing, work):
    """Runs the terminal on `drawing` and returns its settled screenshot and the cell size in pixels."""
    path = os.path.join(work, "drawing.bin")
    with open(path, "wb") as f:
        f.write(b"\x1b[?25l\x1b[2J" + drawing)
    title = f"fidelity-{program}-{os.getpid()}-{time.monotonic_ns()}"
    env = dict(PATH=os.environ["PATH"], HOME=os.environ.get("HOME", "/tmp"), LANG="C.UTF-8", DISPLAY=display,
               LIBGL_ALWAYS_SOFTWARE="1")
    child = subprocess.Popen(terminal_argv(program, title, columns, rows, f"cat '{path}'; sleep 600"), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        previous, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(1.5)
            shot = screenshot(display, title)
            if shot is not None and previous is not None and shot.shape == previous.shape and \
                    np.array_equal(shot, previous):
                return shot, (shot.shape[1] // columns, shot.shape[0] // rows)
            previous = shot
        raise RuntimeError(f"{program} did not settle")
    finally:
        child.terminate()
        child.wait()


def gallery(ppm, size, symbols, colors, dither, row, column):
    run = subprocess.run([os.path.join(ROOT, ".build/release/cell-bench"), "draw", ppm, str(size[0]), str(size[1]),
                          symbols, colors, dither, str(row), str(column)], capture_output=True, check=True)
    # The image fills its last column or row only partly (the rest repeats its edge): score the filled part.
    filled = re.search(rb"filled=([0-9.]+)x([0-9.]+)", run.stderr)
    return run.stdout, (float(filled.group(1)), float(filled.group(2)))


def chafa(source, size, colors, row, column):
    out = subprocess.run(["chafa", "-f", "symbols", "-c", colors, "--size", f"{size[0]}x{size[1]}", source],
                         capture_output=True, check=True).stdout
    lines = [line for line in out.replace(b"\x1b[?25l", b"").replace(b"\x1b[?25h", b"").split(b"\n")
             if CSI.sub(b"", line).strip(b"\r")]
    width = max(len(CSI.sub(b"", line).decode("utf-8", "replace").rstrip("\r")) for line in lines)
    drawing = b"".join(f"\x1b[{row + i + 1};{column + 1}H".encode() + line.rstrip(b"\r") + b"\x1b[0m"
                       for i, line in enumerate(lines))
    return drawing, (width, len(lines))


def linear(srgb):
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def encoded(light):
    light = np.clip(light, 0, 1)
    return np.where(light <= 0.0031308, light * 12.92, 1.055 * light ** (1 / 2.4) - 0.055)


def scores(shot, source, origin, cells, cell):
    """SSIM, dE and blurred dE of one drawing. Shrinking the source and blurring both happen in linear light, the
    way light from neighbouring pixels really mixes in the eye; averaging sRGB codes would darken detail."""
    (row, column), (width, height), (cw, ch) = origin, cells, cell
    bottom, right = row * ch + round(height * ch), column * cw + round(width * cw)
    crop = shot[row * ch:bottom, column * cw:right].astype(np.float64) / 255
    reference = encoded(resize(linear(source), crop.shape, anti_aliasing=True))
    ssim = structural_similarity(rgb2gray(reference), rgb2gray(crop), data_range=1.0)
    delta = deltaE_ciede2000(rgb2lab(reference), rgb2lab(crop)).mean()
    sigma = (ch / 2, cw / 2, 0)
    blur = lambda image: encoded(gaussian_filter(linear(image), sigma))
    blurred = deltaE_ciede2000(rgb2lab(blur(reference)), rgb2lab(blur(crop)))
    return np.array([ssim, delta, blurred.mean()])


def measure(display, program, image, ppm, size, work):
    """One screenshot holding every renderer (rows) at every depth (columns); their scores and the screenshot."""
    source = read_ppm(ppm).astype(np.float64) / 255
    drawing, placed = b"", {}
    for d, (colors, chafa_colors) in enumerate(DEPTHS):
        column = d * (size[0] + 2)
        for r, renderer in enumerate(["half", "new", "chafa"]):
            row = r * (size[1] + 1)
            if renderer == "chafa":
                bytes_, cells = chafa(image, size, chafa_colors, row, column)
            else:
                symbols, dither = ("half", "none") if renderer == "half" else (DEFAULT_SET[program], DITHER)
                bytes_, cells = gallery(ppm, size, symbols, colors, dither, row, column)
            drawing += bytes_
            placed[(renderer, colors)] = ((row, column), cells)
    shot, cell = show(display, program, 3 * (size[0] + 2), 3 * (size[1] + 1), drawing, work)
    results = {key: scores(shot, source, origin, cells, cell) for key, (origin, cells) in placed.items()}
    return results, shot, placed, cell


def side_by_side(path, source, shot, placed, cell):
    """Source, half-blocks, new default and chafa in truecolor, left to right."""
    crops = []
    for renderer in ["half", "new", "chafa"]:
        (row, column), (width, height) = placed[(renderer, "truecolor")]
        bottom, right = row * cell[1] + round(height * cell[1]), column * cell[0] + round(width * cell[0])
        crops.append(shot[row * cell[1]:bottom, column * cell[0]:right])
    height = max(c.shape[0] for c in crops)
    scaled = resize(read_ppm(source), (height, crops[0].shape[1]), anti_aliasing=True) * 255
    tiles = [scaled.astype(np.uint8)] + [np.pad(c, ((0, height - c.shape[0]), (0, 0), (0, 0))) for c in crops]
    gap = np.zeros((height, 8, 3), np.uint8)
    picture = np.concatenate([x for t in tiles for x in (t, gap)][:-1], axis=1)
    header = f"P6 {picture.shape[1]} {picture.shape[0]} 255\n".encode()
    subprocess.run(["convert", "ppm:-", path], input=header + picture.tobytes(), check=True)


def report(table):
    failures = 0
    print(f"{'terminal':8} {'cells':7} {'colours':9} {'half SSIM/dE/blurdE':22} {'new SSIM/dE/blurdE':22} "
          f"{'chafa SSIM/dE/blurdE':22} SSIM  blurdE")
    for (program, size), results in table.items():
        for colors, _ in DEPTHS:
            half, new, theirs = (np.mean([r[(k, colors)] for r in results], axis=0) for k in ["half", "new", "chafa"])
            ssim_ok = new[0] >= theirs[0]
            blur_ok = new[2] <= min(theirs[2], 1.25 * half[2])
            failures += (not ssim_ok) + (not blur_ok)
            fmt = lambda s: f"{s[0]:.3f}/{s[1]:5.2f}/{s[2]:5.2f}".ljust(22)
            print(f"{program:8} {size[0]}x{size[1]:<4} {colors:9} {fmt(half)} {fmt(new)} {fmt(theirs)} "
                  f"{'PASS' if ssim_ok else 'FAIL'}  {'PASS' if blur_ok else 'FAIL'}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=6)
    parser.add_argument("--sizes", default="120x35,64x17")
    parser.add_argument("--terminals", default="kitty,xterm")
    parser.add_argument("--png", default=os.path.join(ROOT, "bench", "text-side-by-side.png"))
    args = parser.parse_args()
    images = [p for p in IMAGES if os.path.exists(p)][:args.images]
    missing = [t for t in ["Xvfb", "xwd", "convert", "kitty", "xterm", "chafa"] if not shutil.which(t)]
    if not images or missing:
        sys.exit(f"text_fidelity: missing {', '.join(missing) or 'the wallpaper packages'}")
    subprocess.run(["swift", "build", "-c", "release", "--product", "cell-bench"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    # A SIGTERM unwinds like an error, so the display and the terminals on it are ended.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    display = Display()
    table = {}
    try:
        with tempfile.TemporaryDirectory() as work:
            for index, image in enumerate(images):
                ppm = os.path.join(work, f"{index}.ppm")
                to_ppm(image, ppm)
                for program in args.terminals.split(","):
                    for size in sizes:
                        print(f"{os.path.basename(image)} {program} {size[0]}x{size[1]}", file=sys.stderr, flush=True)
                        results, shot, placed, cell = measure(display.name, program, image, ppm, size, work)
                        table.setdefault((program, size), []).append(results)
                        if index == 0 and program == "kitty" and size == sizes[-1]:
                            side_by_side(args.png, ppm, shot, placed, cell)
    finally:
        display.close()
    print(f"{len(images)} images: {', '.join(os.path.basename(os.path.dirname(os.path.dirname(p))) if 'wallpapers' in p else os.path.basename(p) for p in images)}")
    failures = report(table)
    print(f"side by side: {args.png}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
