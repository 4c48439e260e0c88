#!/bin/sh
# Writes the WebP fixtures in good/ and bad/ from the PNG fixtures, with Debian's webp tools (cwebp, img2webp,
# webpmux). Good ones show the quadrant colours DecodeTests expect; bad ones are named after what is wrong.
# Run from anywhere: sh Fixtures/webp/make-fixtures.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
png="$here/../png/good"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"

cwebp -quiet -q 90 "$png/rgb8.png" -o good/lossy.webp
cwebp -quiet -lossless "$png/rgb8.png" -o good/lossless.webp
cwebp -quiet -q 90 -exact "$png/rgba8.png" -o good/lossy-alpha.webp
cwebp -quiet -lossless -exact "$png/rgba8.png" -o good/lossless-alpha.webp
# Larger than twice the box, so libwebp's scaled output is used.
convert -size 600x400 xc:'rgb(220,40,40)' xc:'rgb(40,180,60)' +append \( -size 600x400 xc:'rgb(40,60,200)' \
    xc:'rgb(230,210,50)' +append \) -append "$tmp/big.png"
cwebp -quiet -q 80 "$tmp/big.png" -o good/lossy-1200x800.webp
# Two frames: the first is the quadrants, the second gray quadrants that must not show.
img2webp -loop 0 -d 100 -lossy "$png/rgb8.png" -d 100 "$png/gray8.png" -o good/animated.webp
# The quadrants as a first frame in the top-left quarter of a 192×128 canvas, not blended and disposed to the
# background, then gray quadrants in the bottom-right quarter; the ANIM background colour is opaque magenta and
# the VP8X alpha flag is off. Browsers and libwebp's own animation decoder leave the canvas transparent around
# the first frame, so the other three quarters must show the checkerboard, neither magenta nor black.
cwebp -quiet -q 90 "$png/rgb8.png" -o "$tmp/first.webp"
cwebp -quiet -q 90 "$png/gray8.png" -o "$tmp/second.webp"
webpmux -frame "$tmp/first.webp" +100+0+0+1-b -frame "$tmp/second.webp" +100+96+64+0+b -loop 0 \
    -bgcolor 255,255,0,255 -o good/animated-background-colour-around-the-first-frame.webp
# Stored turned (32×48), EXIF orientation 6 (after the image data, where webpmux puts it).
python3 -c 'import struct,sys; sys.stdout.buffer.write(b"MM\x00\x2a" + struct.pack(">IHHHIHH", 8, 1, 0x0112, 3, 1, 6, 0) + bytes(4))' > "$tmp/exif"
cwebp -quiet -lossless "$png/exif-orientation-6.png" -o "$tmp/turned.webp"
webpmux -set exif "$tmp/exif" "$tmp/turned.webp" -o good/exif-orientation-6.webp

: > bad/zero-bytes.webp
python3 -c 'import random,sys; random.seed(19); sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(96*64*3)))' > "$tmp/noise.rgb"
convert -size 96x64 -depth 8 "rgb:$tmp/noise.rgb" "$tmp/noise.png"
cwebp -quiet -q 90 "$tmp/noise.png" -o "$tmp/noise.webp"
size=$(wc -c < "$tmp/noise.webp")
head -c $((size / 2)) "$tmp/noise.webp" > bad/truncated-at-half.webp
# A valid RIFF/VP8 header, then bytes that are not a VP8 frame.
head -c 20 good/lossy.webp > bad/garbage-after-header.webp
python3 -c 'import random,sys; random.seed(7); sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(400)))' >> bad/garbage-after-header.webp
