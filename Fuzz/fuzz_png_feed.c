// libFuzzer target over the PNG shim's feed API (Sources/PNGShim): its setjmp, the input slicing, the row band
// and libpng's progressive reader behind them.
//
// An input is a plain file's bytes. How it is fed comes from a hash of the bytes (so a corpus file is just a
// file): the band height, and where the input is split into chunks (a first split anywhere, then 1 byte to
// 8 KiB). Built outside SwiftPM by `make fuzz` with clang -fsanitize=fuzzer,address.

#include "PNGShim.h"
#include "fuzz_feed_plan.h"

#include <stdint.h>
#include <stdlib.h>

/// Reads every byte of every band row (so ASan checks the bounds) and checks each row lies inside the image.
static void take_band(gallery_png_decoder *dec) {
    gallery_png_info info;
    int has_header = gallery_png_decoder_info(dec, &info);
    uint32_t count = gallery_png_decoder_band_count(dec);
    for (uint32_t i = 0; i < count; i++) {
        gallery_png_row row;
        if (!has_header || !gallery_png_decoder_band_row(dec, i, &row) || row.pixels == NULL) abort();
        if (row.y >= info.height || row.count == 0 || row.x_start + (uint64_t)(row.count - 1) * row.x_step >= info.width) {
            abort();
        }
        uint32_t sum = 0;
        for (size_t b = 0; b < (size_t)row.count * 4; b++) sum += row.pixels[b];
        sink = sum;
    }
    gallery_png_decoder_release_band(dec);
}

static gallery_png_status push(gallery_png_decoder *dec, const uint8_t *bytes, size_t len) {
    gallery_png_status status = gallery_png_decoder_feed(dec, bytes, len);
    for (;;) {
        take_band(dec);
        if (status != GALLERY_PNG_ROWS_READY) return status;
        status = gallery_png_decoder_feed(dec, NULL, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t h = fnv1a(data, size);
    // A small pixel cap keeps each run fast and inside libFuzzer's memory limit; it also exercises the guard.
    gallery_png_options options = {.max_pixels = 1u << 18, .band_rows = (uint32_t)(h & 31)};
    gallery_png_decoder *dec = gallery_png_decoder_create(&options);
    if (dec == NULL) return 0;
    size_t split = size > 0 ? (size_t)((h >> 24) % (size + 1)) : 0;
    size_t chunk = 1 + (size_t)((h >> 40) % 8192);
    gallery_png_status status = push(dec, data, split);
    for (size_t at = split; at < size && status != GALLERY_PNG_ERROR && status != GALLERY_PNG_DONE;) {
        size_t n = size - at < chunk ? size - at : chunk;
        status = push(dec, data + at, n);
        at += n;
    }
    if (status != GALLERY_PNG_ERROR) {
        do {
            status = gallery_png_decoder_finish(dec);
            take_band(dec);
        } while (status == GALLERY_PNG_ROWS_READY);
    }
    gallery_png_info info;
    int has_header = gallery_png_decoder_info(dec, &info);
    if (status == GALLERY_PNG_DONE) {
        // Success means every row (of every pass) was delivered: no partial image.
        if (!has_header || info.rows_delivered != info.rows_total || info.width == 0 || info.height == 0) abort();
    } else if (status == GALLERY_PNG_ERROR) {
        if (gallery_png_decoder_error_kind(dec) == GALLERY_PNG_ERROR_NONE) abort();
        if (gallery_png_decoder_error_message(dec)[0] == '\0') abort();
    } else {
        abort();
    }
    gallery_png_decoder_destroy(dec);
    return 0;
}
