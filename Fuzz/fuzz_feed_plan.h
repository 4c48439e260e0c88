// What the feed-API fuzz targets share: how an input's bytes choose the way it is fed (a hash, so a corpus file
// is just a file and a crash is directly a fixture), and a sink that keeps pixel reads from being optimised away.

#ifndef GALLERY_FUZZ_FEED_PLAN_H
#define GALLERY_FUZZ_FEED_PLAN_H

#include <stddef.h>
#include <stdint.h>

/// FNV-1a over the input: its bits pick the split point, chunk size, band height and box.
static inline uint64_t fnv1a(const uint8_t *data, size_t size) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001b3ull;
    return h;
}

static volatile uint32_t sink;

#endif
