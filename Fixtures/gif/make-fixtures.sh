#!/bin/sh
# Writes the GIF fixtures in good/ and bad/ from the PNG fixtures, with ImageMagick's convert (and python3 for
# the damaged ones). Good ones show the quadrant colours DecodeTests expect; bad ones are named after what is
# wrong. Run from anywhere: sh Fixtures/gif/make-fixtures.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
png="$here/../png/good"
cd "$here"

convert "$png/rgb8.png" good/still.gif
convert "$png/rgb8.png" -interlace GIF good/interlaced.gif
# The bottom-left (blue) quadrant is the transparent index.
convert "$png/rgb8.png" -transparent 'rgb(40,60,200)' good/transparent.gif
# The quadrants, then gray quadrants that must not show.
convert -delay 10 "$png/rgb8.png" "$png/gray8.png" -loop 0 good/animated.gif
# The frame covers the middle of a larger canvas: the rest is transparent.
convert "$png/rgb8.png" -set page 192x128+48+32 good/frame-inside-larger-canvas.gif

: > bad/zero-bytes.gif
python3 - <<'PY'
import random
data = open("good/animated.gif", "rb").read()
# The second image descriptor (0x2C after the first frame's data): everything after it becomes garbage.
second = data.index(b"\x2c", data.index(b"\x2c") + 10)
second = [i for i in range(len(data)) if data[i] == 0x2C and data[i - 1] == 0x00][1]
random.seed(19)
open("bad/animated-broken-second-frame.gif", "wb").write(
    data[:second + 11] + bytes(random.randrange(1, 256) for _ in range(200)))
still = open("good/still.gif", "rb").read()
open("bad/truncated-in-first-frame.gif", "wb").write(still[:len(still) - 20])
open("bad/garbage-after-header.gif", "wb").write(still[:13] + bytes(random.randrange(256) for _ in range(100)))
PY
