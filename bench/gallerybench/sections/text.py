"""The text section: how faithfully text thumbnails show real images, gallery's half-blocks and its symbol encoder
against chafa, in two real terminals (see text_terminal.py) and scored against the source (see text_score.py).

Each wallpaper is drawn by every renderer at every colour depth into the same box of cells, all in one screenshot.
Renderers: gallery through `cell-bench draw` (the encoders alone, with the gallery's linear-light fit into the
slot's pixel box), `--symbols half --dither none` and the terminal's default set (`all` in kitty, `block` in
xterm); chafa pinned as `chafa -f symbols -c full|240|16 --size WxH`. Targets are on the mean over the images, per
terminal, box and colour depth. Needs Xvfb, xwd, ImageMagick, kitty, xterm, chafa, python3-skimage and the
plasma-workspace-wallpapers and ukui-wallpapers packages."""

import importlib.util
import os
import re
import shutil
import subprocess

from ..settings import ROOT, env_int
from ..stats import verdict
from . import text_speed, text_terminal
from .section import Section

IMAGES = max(1, env_int("TEXT_IMAGES", 6))
TERMINALS = [t for t in os.environ.get("TEXT_TERMINALS", "kitty,xterm").split(",") if t]
SIZES = [tuple(int(v) for v in s.split("x")) for s in os.environ.get("TEXT_SIZES", "120x35,64x17").split(",") if s]
DITHER = os.environ.get("TEXT_DITHER", "none")
SSIM_TARGET = "≥ chafa's"
BLUR_HALF_FACTOR = 1.25  # blurred ΔE00 ≤ min(chafa's, this × gallery's half-blocks)
DEPTHS = [("truecolor", "full"), ("256", "240"), ("16", "16")]
RENDERERS = ["half", "new", "chafa"]
DEFAULT_SET = {"kitty": "all", "xterm": "block"}
# Illustrations and renders with gradients, outlines and fine detail; the first IMAGES found are used, in order.
WALLPAPERS = ["/usr/share/wallpapers/Path/contents/images/2560x1600.jpg",
              "/usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg",
              "/usr/share/wallpapers/Kite/contents/images/2560x1600.jpg",
              "/usr/share/wallpapers/DarkestHour/contents/images/2560x1600.jpg",
              "/usr/share/backgrounds/goldfish.png", "/usr/share/backgrounds/calla.png",
              "/usr/share/wallpapers/Autumn/contents/images/2560x1600.jpg"]
SIDE_BY_SIDE = os.path.join(ROOT, "bench", "text-side-by-side.png")
TOOLS = ["Xvfb", "xwd", "convert", "chafa"]
CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def _gallery(cell_bench, ppm, size, symbols, colors, origin):
    run = subprocess.run([cell_bench, "draw", ppm, str(size[0]), str(size[1]), symbols, colors,
                          "none" if symbols == "half" else DITHER, str(origin[0]), str(origin[1])],
                         capture_output=True, check=True)
    # The image fills its last column or row only partly (the rest repeats its edge): score the filled part.
    filled = re.search(rb"filled=([0-9.]+)x([0-9.]+)", run.stderr)
    return run.stdout, (float(filled.group(1)), float(filled.group(2)))


def _chafa(source, size, colors, origin):
    out = subprocess.run(["chafa", "-f", "symbols", "-c", colors, "--size", f"{size[0]}x{size[1]}", source],
                         capture_output=True, check=True).stdout
    lines = [line for line in out.replace(b"\x1b[?25l", b"").replace(b"\x1b[?25h", b"").split(b"\n")
             if CSI.sub(b"", line).strip(b"\r")]
    width = max(len(CSI.sub(b"", line).decode("utf-8", "replace").rstrip("\r")) for line in lines)
    drawing = b"".join(f"\x1b[{origin[0] + i + 1};{origin[1] + 1}H".encode() + line.rstrip(b"\r") + b"\x1b[0m"
                       for i, line in enumerate(lines))
    return drawing, (width, len(lines))


def _rows(table):
    """Per terminal, box and depth: (labels and the three renderers' means, SSIM target met, blurred ΔE00 met)."""
    rows = []
    for (program, size), results in table.items():
        for colors, _ in DEPTHS:
            half, new, theirs = (_mean(results, (renderer, colors)) for renderer in RENDERERS)
            figures = [program, f"{size[0]}×{size[1]}", colors, half, new, theirs]
            rows.append((figures, new[0] >= theirs[0], new[2] <= min(theirs[2], BLUR_HALF_FACTOR * half[2])))
    return rows


def _cells(row):
    figures, ssim_ok, blur_ok = row
    return figures[:3] + [f"{s[0]:.3f} / {s[1]:.2f} / {s[2]:.2f}" for s in figures[3:]] + \
        ["PASS" if ssim_ok else "FAIL", "PASS" if blur_ok else "FAIL"]


def _name(image):
    """A wallpaper's name: its folder under /usr/share/wallpapers, or its file name under /usr/share/backgrounds."""
    parts = image.split("/")
    return parts[4] if parts[3] == "wallpapers" else os.path.splitext(parts[-1])[0]


def _mean(results, key):
    return [sum(r[key][i] for r in results) / len(results) for i in range(3)]


class Text(Section):
    name = "text"

    def prepare(self, bench):
        missing = [t for t in TOOLS + TERMINALS if not shutil.which(t)]
        if not all(importlib.util.find_spec(m) for m in ("numpy", "scipy", "skimage")):
            missing.append("python3-skimage (for this python3)")
        self.images = [p for p in WALLPAPERS if os.path.exists(p)][:IMAGES]
        if not self.images:
            missing.append("plasma-workspace-wallpapers and ukui-wallpapers")
        if missing:
            raise SystemExit(f"bench: the text section needs {', '.join(missing)}; run `make setup-bench`")
        # Built here, with the release flags the Makefile uses, since `make release` does not build it.
        bench.run_quietly(["swift", "build", "-c", "release", "--static-swift-stdlib", "--package-path", ROOT,
                           "--product", "cell-bench"])
        bench.require(bench.binary("cell-bench"))

    def run(self, bench, workdir):
        from . import text_score  # numpy and skimage only once the section runs

        display = text_terminal.Display()
        table = {}
        try:
            for index, image in enumerate(self.images):
                ppm = os.path.join(workdir, f"text-{index}.ppm")
                text_score.to_ppm(image, ppm)
                source = text_score.read_ppm(ppm) / 255
                for program in TERMINALS:
                    for size in SIZES:
                        label = f"text {_name(image)} {program} {size[0]}x{size[1]}"
                        print(f"  {label}", flush=True)
                        try:
                            shot, placed, cell = self._draw(bench, display.name, program, image, ppm, size, workdir)
                        except (RuntimeError, subprocess.CalledProcessError) as error:
                            bench.fail(label, str(error))
                            continue
                        table.setdefault((program, size), []).append(
                            {key: text_score.scores(shot, source, *where, cell) for key, where in placed.items()})
                        if index == 0 and program == "kitty" and size == SIZES[-1]:
                            text_score.side_by_side(SIDE_BY_SIDE, ppm, shot, placed, cell, RENDERERS)
        finally:
            display.close()
        print("  terminal cells colours: half-blocks, default, chafa (SSIM / ΔE00 / blurred ΔE00); SSIM, blurred ΔE00")
        for row in _rows(table):
            print(f"  {' '.join(_cells(row))}", flush=True)
        print("  cell encoder speed (cell-bench speed)", flush=True)
        speeds = text_speed.measure(bench.binary("cell-bench"))
        return {"names": [_name(image) for image in self.images], "table": table, "speeds": speeds}

    def _draw(self, bench, display, program, image, ppm, size, workdir):
        """One screenshot holding every renderer (rows) at every depth (columns), and where each one is."""
        drawing, placed = b"", {}
        for d, (colors, chafa_colors) in enumerate(DEPTHS):
            for r, renderer in enumerate(RENDERERS):
                origin = (r * (size[1] + 1), d * (size[0] + 2))
                if renderer == "chafa":
                    drawn, cells = _chafa(image, size, chafa_colors, origin)
                else:
                    symbols = "half" if renderer == "half" else DEFAULT_SET[program]
                    drawn, cells = _gallery(bench.binary("cell-bench"), ppm, size, symbols, colors, origin)
                drawing += drawn
                placed[(renderer, colors)] = (origin, cells)
        shot, cell = text_terminal.show(display, program, len(DEPTHS) * (size[0] + 2),
                                        len(RENDERERS) * (size[1] + 1), drawing, workdir)
        return shot, placed, cell

    def report(self, bench, result):
        rows = _rows(result["table"])
        failed = sum(not ok for row in rows for ok in row[1:])
        names = ", ".join(result["names"])
        lines = ["", "## Text: thumbnails drawn with text, against chafa",
                 "", f"Wallpapers: {names}.",
                 "", "Mean over the images of SSIM on luminance / ΔE00 / ΔE00 blurred by half a cell, in a real "
                 f"terminal under Xvfb (DejaVu Sans Mono 10, xterm's palette); gallery with `--dither {DITHER}`. "
                 f"Targets: the new default's SSIM {SSIM_TARGET}; its blurred ΔE00 ≤ min(chafa's, "
                 f"{BLUR_HALF_FACTOR:g}× half-blocks').",
                 "", "| terminal | cells | colours | gallery half-blocks | gallery default | chafa | SSIM | blurred ΔE00 |",
                 "|---|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
        lines += ["", verdict(not failed if rows else None,
                              f"text: the new default meets {2 * len(rows) - failed} of its {2 * len(rows)} targets "
                              "(SSIM and blurred ΔE00 in every row)")]
        if os.path.exists(SIDE_BY_SIDE):
            lines += ["", "Side by side (source, half-blocks, new default, chafa; truecolor, kitty): "
                          "`bench/text-side-by-side.png`."]
        return lines + text_speed.report(result.get("speeds", {}))

    def raw(self, bench, result):
        speeds = {f"{name} {depth}": list(value) for (name, depth), value in result.get("speeds", {}).items()}
        return {"text_speed": speeds, "text": {f"{program} {size[0]}x{size[1]} {renderer} {colors}": _mean(results, (renderer, colors))
                         for (program, size), results in result["table"].items()
                         for colors, _ in DEPTHS for renderer in RENDERERS}}


SECTION = Text()
