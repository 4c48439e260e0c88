#!/usr/bin/env python3
"""Writes the PNG fixtures in good/ and bad/ byte for byte reproducibly, with Python's zlib alone.

Each colour type and bit depth is written by hand (not through a library) so the fixtures cover exactly what a
PNG may hold: palette with tRNS, gray 1-16 bit, gray + alpha, RGB, RGBA, 16-bit, Adam7 interlacing, gAMA and eXIf
before or after the image data. Good fixtures show the four quadrant colours DecodeTests expect (the JPEG
fixtures' colours); bad ones are named after what is wrong with them. Run from anywhere:
    python3 Fixtures/png/make-fixtures.py
"""
import os
import random
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
QUADRANTS = [(220, 40, 40), (40, 180, 60), (40, 60, 200), (230, 210, 50)]
GRAYS = [30, 100, 170, 240]
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def chunk(kind, data):
    body = kind.encode() + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def quadrant(x, y, w, h):
    return (1 if x >= w // 2 else 0) + (2 if y >= h // 2 else 0)


def pack_row(samples, depth):
    """One scanline's samples (already flattened) packed at `depth` bits, big-endian, high bits first."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = acc << depth | s
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def image_data(pixel, w, h, depth, interlace):
    """Filter-type-0 scanlines, pass by pass when interlaced. `pixel(x, y)` returns a tuple of samples."""
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for xs, ys, dx, dy in passes:
        for y in range(ys, h, dy):
            columns = range(xs, w, dx)
            if not columns:
                continue
            raw.append(0)
            raw += pack_row([s for x in columns for s in pixel(x, y)], depth)
    return bytes(raw)


def png(w, h, colour, depth, pixel, interlace=False, before=(), after=(), idat=None):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 1 if interlace else 0)
    data = idat if idat is not None else zlib.compress(image_data(pixel, w, h, depth, interlace), 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk("IHDR", ihdr)
    for kind, payload in before:
        out += chunk(kind, payload)
    # Several IDAT chunks, as encoders write them, so chunk boundaries fall inside the data.
    for at in range(0, len(data), 4096):
        out += chunk("IDAT", data[at:at + 4096])
    for kind, payload in after:
        out += chunk(kind, payload)
    return out + chunk("IEND", b"")


def exif(orientation):
    """A big-endian TIFF header and IFD0 holding only the Orientation tag."""
    return b"MM\x00\x2a" + struct.pack(">IHHHIHH", 8, 1, 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"


def rgb(w, h, scale=1, alpha=None):
    def pixel(x, y):
        q = quadrant(x, y, w, h)
        samples = tuple(c * scale for c in QUADRANTS[q])
        return samples + ((alpha[q] * scale,) if alpha else ())
    return pixel


def gray(w, h, levels, maxval, alpha=None):
    def pixel(x, y):
        q = quadrant(x, y, w, h)
        return (levels[q] * maxval // 255,) + ((alpha[q],) if alpha else ())
    return pixel


def write(folder, name, data):
    with open(os.path.join(HERE, folder, name), "wb") as f:
        f.write(data)


def good():
    w, h = 96, 64
    write("good", "rgb8.png", png(w, h, 2, 8, rgb(w, h)))
    write("good", "rgb16.png", png(w, h, 2, 16, rgb(w, h, 257)))
    write("good", "rgba8.png", png(w, h, 6, 8, rgb(w, h, alpha=[255, 128, 0, 255])))
    write("good", "rgba16.png", png(w, h, 6, 16, rgb(w, h, 257, alpha=[255, 255, 255, 255])))
    write("good", "gray1.png", png(w, h, 0, 1, gray(w, h, [0, 255, 255, 0], 1)))
    write("good", "gray2.png", png(w, h, 0, 2, gray(w, h, [0, 85, 170, 255], 3)))
    write("good", "gray8.png", png(w, h, 0, 8, gray(w, h, GRAYS, 255)))
    write("good", "gray16.png", png(w, h, 0, 16, gray(w, h, GRAYS, 65535)))
    write("good", "gray-alpha8.png", png(w, h, 4, 8, gray(w, h, GRAYS, 255, alpha=[255, 255, 255, 255])))
    palette = b"".join(bytes(c) for c in QUADRANTS)
    index = lambda x, y: (quadrant(x, y, w, h),)
    write("good", "palette8.png", png(w, h, 3, 8, index, before=[("PLTE", palette)]))
    write("good", "palette2.png", png(w, h, 3, 2, index, before=[("PLTE", palette)]))
    write("good", "palette4-trns.png",
          png(w, h, 3, 4, index, before=[("PLTE", palette), ("tRNS", bytes([255, 255, 0]))]))
    write("good", "interlaced-rgb8.png", png(w, h, 2, 8, rgb(w, h), interlace=True))
    write("good", "interlaced-rgba8.png", png(w, h, 6, 8, rgb(w, h, alpha=[255, 128, 0, 255]), interlace=True))
    write("good", "interlaced-palette2.png",
          png(w, h, 3, 2, index, interlace=True, before=[("PLTE", palette)]))
    # Stored as linear light with gAMA 1.0: libpng must re-encode to sRGB to show the quadrant colours.
    linear = lambda c: round(65535 * ((c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4))
    write("good", "gamma-1.0.png", png(w, h, 2, 16, lambda x, y: tuple(linear(c) for c in QUADRANTS[quadrant(x, y, w, h)]),
                                       before=[("gAMA", struct.pack(">I", 100000))]))
    # Stored turned 90° (32×48, to be turned clockwise), upright the 48×32 quadrant image; eXIf before IDAT.
    def turned(x, y):
        return QUADRANTS[quadrant(47 - y, x, 48, 32)]
    write("good", "exif-orientation-6.png", png(32, 48, 2, 8, turned, before=[("eXIf", exif(6))]))
    # Stored upside down, the eXIf chunk after the image data.
    write("good", "exif-after-idat-orientation-3.png",
          png(w, h, 2, 8, lambda x, y: QUADRANTS[quadrant(w - 1 - x, h - 1 - y, w, h)], after=[("eXIf", exif(3))]))
    write("good", "tiny-interlaced-3x2.png", png(3, 2, 2, 8, lambda x, y: (200, 100, 50), interlace=True))
    write("good", "1x1.png", png(1, 1, 2, 8, lambda x, y: (200, 100, 50)))
    write("good", "panorama-12000x300.png", png(12000, 300, 3, 2, lambda x, y: (quadrant(x, y, 12000, 300),),
                                               before=[("PLTE", palette)]))


def bad():
    random.seed(19)
    w, h = 96, 64
    noise = {}
    for y in range(h):
        for x in range(w):
            noise[x, y] = (random.randrange(256), random.randrange(256), random.randrange(256))
    full = png(w, h, 2, 8, lambda x, y: noise[x, y])
    write("bad", "truncated-at-half.png", full[:len(full) // 2])
    crc = bytearray(full)
    at = full.index(b"IDAT") + 4 + 100  # a byte inside the first IDAT's data: its CRC no longer matches
    crc[at] ^= 0x55
    write("bad", "crc-error-in-idat.png", bytes(crc))
    # 4 MiB of zero rows in a few KB: the start of a stream that would inflate to 12 GiB.
    deflate = zlib.compressobj(9)
    zeros = deflate.compress(bytes(4 << 20)) + deflate.flush(zlib.Z_SYNC_FLUSH)
    write("bad", "bomb-65535x65535.png", png(65535, 65535, 2, 8, None, idat=zeros))
    write("bad", "zero-bytes.png", b"")
    write("bad", "zero-width-ihdr.png", png(0, 64, 2, 8, None, idat=zlib.compress(b"")))
    write("bad", "garbage-after-signature.png", b"\x89PNG\r\n\x1a\n" + bytes(random.randrange(256) for _ in range(300)))
    few_rows = zlib.compress(image_data(rgb(w, h), w, h // 2, 8, False), 9)
    write("bad", "image-data-ends-early.png", png(w, h, 2, 8, None, idat=few_rows))
    # Indices 0-3 are in the 2-entry palette's range only for 0 and 1: the right half must draw black.
    palette = bytes(QUADRANTS[0]) + bytes(QUADRANTS[1])
    write("bad", "palette-index-out-of-range.png",
          png(w, h, 3, 2, lambda x, y: (0 if x < w // 2 else 3,), before=[("PLTE", palette)]))


good()
bad()
