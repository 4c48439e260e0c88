// libFuzzer target over the GIF shim's feed API (Sources/GIFShim): the block scanner, the capped hold, the band
// and giflib behind them. An input is a plain file's bytes; the chunking comes from a hash of the bytes. Built
// outside SwiftPM by `make fuzz` with clang -fsanitize=fuzzer,address.

#include "GIFShim.h"
#include "fuzz_feed_plan.h"

#include <stdint.h>
#include <stdlib.h>

static void take_band(gallery_gif_decoder *dec, uint64_t *rows_taken) {
    const uint32_t *ys = NULL;
    uint32_t count = 0;
    const uint8_t *band = gallery_gif_decoder_band(dec, &ys, &count);
    if (count == 0) return;
    gallery_gif_info info;
    gallery_gif_decoder_info(dec, &info);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (ys[i] >= info.height) abort();
        for (size_t b = 0; b < (size_t)info.width * 4; b++) sum += band[(size_t)i * info.width * 4 + b];
    }
    sink = sum;
    *rows_taken += count;
    gallery_gif_decoder_release_band(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t h = fnv1a(data, size);
    gallery_gif_options options = {.max_pixels = 4u << 20, .max_held = 1u << 20};
    gallery_gif_decoder *dec = gallery_gif_decoder_create(&options);
    if (dec == NULL) return 0;
    size_t chunk = 1 + (size_t)((h >> 40) % 8192);
    uint64_t rows_taken = 0;
    gallery_gif_status status = GALLERY_GIF_NEED_MORE;
    for (size_t at = 0; at < size && status != GALLERY_GIF_ERROR;) {
        size_t n = size - at < chunk ? size - at : chunk;
        status = gallery_gif_decoder_feed(dec, data + at, n);
        while (status == GALLERY_GIF_ROWS_READY) {
            take_band(dec, &rows_taken);
            status = gallery_gif_decoder_feed(dec, NULL, 0);
        }
        at += n;
    }
    if (status != GALLERY_GIF_ERROR) {
        do {
            status = gallery_gif_decoder_finish(dec);
            take_band(dec, &rows_taken);
        } while (status == GALLERY_GIF_ROWS_READY);
    }
    gallery_gif_info info;
    gallery_gif_decoder_info(dec, &info);
    if (status == GALLERY_GIF_DONE) {
        // Every canvas row exactly once.
        if (rows_taken != info.height || info.rows_delivered != info.height || info.width == 0) abort();
    } else if (status == GALLERY_GIF_ERROR) {
        if (gallery_gif_decoder_error_kind(dec) == GALLERY_GIF_ERROR_NONE) abort();
    } else {
        abort();
    }
    gallery_gif_decoder_destroy(dec);
    return 0;
}
