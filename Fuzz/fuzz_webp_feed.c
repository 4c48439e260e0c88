// libFuzzer target over the WebP shim's feed API (Sources/WebPShim): the RIFF walker, the held first frame of an
// animation, the scaled output buffer and libwebp's incremental decoder behind them.
//
// An input is a plain file's bytes; the output size (up to the canvas) and the chunking come from a hash of the
// bytes. Built outside SwiftPM by `make fuzz` with clang -fsanitize=fuzzer,address.

#include "WebPShim.h"
#include "fuzz_feed_plan.h"

#include <stdint.h>
#include <stdlib.h>

static void take_rows(gallery_webp_decoder *dec, uint32_t *next_row) {
    uint32_t first = 0, count = 0;
    const uint8_t *rows = gallery_webp_decoder_rows(dec, &first, &count);
    if (count == 0) return;
    gallery_webp_info info;
    gallery_webp_decoder_info(dec, &info);
    if (rows == NULL || first != *next_row || first + count > info.output_height) abort();
    uint32_t sum = 0;
    for (size_t b = 0; b < (size_t)count * info.output_width * 4; b++) sum += rows[b];
    sink = sum;
    *next_row = first + count;
    gallery_webp_decoder_release_rows(dec);
}

static gallery_webp_status push(gallery_webp_decoder *dec, const uint8_t *bytes, size_t len, uint64_t h,
                                uint32_t *next_row) {
    gallery_webp_status status = gallery_webp_decoder_feed(dec, bytes, len);
    if (status == GALLERY_WEBP_HEADER_READY) {
        gallery_webp_info info;
        gallery_webp_decoder_info(dec, &info);
        uint32_t w = 1 + (uint32_t)((h >> 8) % (info.width < 256 ? info.width : 256));
        uint32_t hgt = 1 + (uint32_t)((h >> 16) % (info.height < 256 ? info.height : 256));
        if (gallery_webp_decoder_start(dec, w, hgt) != 0) {
            return gallery_webp_decoder_error_kind(dec) != GALLERY_WEBP_ERROR_NONE ? GALLERY_WEBP_ERROR
                                                                                   : GALLERY_WEBP_NEED_MORE;
        }
        status = gallery_webp_decoder_feed(dec, NULL, 0);
    }
    take_rows(dec, next_row);
    return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t h = fnv1a(data, size);
    gallery_webp_options options = {.max_pixels = 4u << 20, .max_held = 1u << 20};
    gallery_webp_decoder *dec = gallery_webp_decoder_create(&options);
    if (dec == NULL) return 0;
    size_t split = size > 0 ? (size_t)((h >> 24) % (size + 1)) : 0;
    size_t chunk = 1 + (size_t)((h >> 40) % 8192);
    uint32_t next_row = 0;
    gallery_webp_status status = push(dec, data, split, h, &next_row);
    for (size_t at = split; at < size && status != GALLERY_WEBP_ERROR;) {
        size_t n = size - at < chunk ? size - at : chunk;
        status = push(dec, data + at, n, h, &next_row);
        at += n;
    }
    if (status != GALLERY_WEBP_ERROR) {
        status = gallery_webp_decoder_finish(dec);
        take_rows(dec, &next_row);
    }
    gallery_webp_info info;
    int has_header = gallery_webp_decoder_info(dec, &info);
    if (status == GALLERY_WEBP_DONE) {
        if (!has_header || info.rows_decoded != info.output_height || next_row != info.output_height) abort();
    } else if (status == GALLERY_WEBP_ERROR) {
        if (gallery_webp_decoder_error_kind(dec) == GALLERY_WEBP_ERROR_NONE) abort();
    } else {
        abort();
    }
    gallery_webp_decoder_destroy(dec);
    return 0;
}
