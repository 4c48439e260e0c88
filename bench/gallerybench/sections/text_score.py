"""The text section's scores, with Debian's python3-skimage: SSIM on luminance, mean CIEDE2000, and mean CIEDE2000
after blurring both images by half a cell (tone and colour without the cell pattern). The source is shrunk, and
both images blurred, in linear light, the way light from neighbouring pixels really mixes in the eye; averaging
sRGB codes would darken detail."""

import subprocess

import numpy as np
from scipy.ndimage import gaussian_filter
from skimage.color import deltaE_ciede2000, rgb2gray, rgb2lab
from skimage.metrics import structural_similarity
from skimage.transform import resize

from .text_terminal import ppm_pixels


def read_ppm(path):
    with open(path, "rb") as f:
        return ppm_pixels(f.read())


def to_ppm(source, path):
    """The source, shrunk to at most 1600 pixels (the decoder's DCT scaling stands in here), as a binary PPM."""
    subprocess.run(["convert", source, "-resize", "1600x1600>", "-colorspace", "sRGB", "-depth", "8", "-strip",
                    "ppm:" + path], check=True)


def linear(srgb):
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def encoded(light):
    light = np.clip(light, 0, 1)
    return np.where(light <= 0.0031308, light * 12.92, 1.055 * light ** (1 / 2.4) - 0.055)


def crop(shot, origin, cells, cell):
    """The part of the screenshot a drawing placed at cell `origin` covers (`cells` may end in part of a cell)."""
    (row, column), (width, height), (cw, ch) = origin, cells, cell
    return shot[row * ch:row * ch + round(height * ch), column * cw:column * cw + round(width * cw)]


def scores(shot, source, origin, cells, cell):
    """(SSIM, mean ΔE00, mean blurred ΔE00) of one drawing against the source (floats in 0…1)."""
    drawn = crop(shot, origin, cells, cell).astype(np.float64) / 255
    reference = encoded(resize(linear(source), drawn.shape, anti_aliasing=True))
    ssim = structural_similarity(rgb2gray(reference), rgb2gray(drawn), data_range=1.0)
    delta = deltaE_ciede2000(rgb2lab(reference), rgb2lab(drawn)).mean()
    sigma = (cell[1] / 2, cell[0] / 2, 0)

    def blur(image):
        return encoded(gaussian_filter(linear(image), sigma))

    blurred = deltaE_ciede2000(rgb2lab(blur(reference)), rgb2lab(blur(drawn))).mean()
    return [float(ssim), float(delta), float(blurred)]


def side_by_side(path, source_ppm, shot, placed, cell, renderers):
    """The source and each renderer's truecolor drawing, left to right, as one picture at `path`."""
    crops = [crop(shot, *placed[(renderer, "truecolor")], cell) for renderer in renderers]
    height = max(c.shape[0] for c in crops)
    scaled = resize(read_ppm(source_ppm), (height, crops[0].shape[1]), anti_aliasing=True) * 255
    tiles = [scaled.astype(np.uint8)] + [np.pad(c, ((0, height - c.shape[0]), (0, 0), (0, 0))) for c in crops]
    gap = np.zeros((height, 8, 3), np.uint8)
    picture = np.concatenate([x for t in tiles for x in (t, gap)][:-1], axis=1)
    header = f"P6 {picture.shape[1]} {picture.shape[0]} 255\n".encode()
    subprocess.run(["convert", "ppm:-", path], input=header + picture.tobytes(), check=True)
