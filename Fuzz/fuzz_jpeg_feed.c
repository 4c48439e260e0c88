// libFuzzer target over the JPEG shim's feed API (Sources/JPEGShim), the C code where the risk is: every
// setjmp/longjmp, the suspending source manager, the input buffer, the output band.
//
// An input is a plain file's bytes: what a server might send. How it is fed is derived from a hash of the
// bytes (so a committed corpus file is just a file, and any crash is directly a bad fixture): whole-image
// or band output, the box, and where the input is split into chunks (a first split anywhere, then chunks of
// 1 byte to 8 KiB). Built outside SwiftPM by `make fuzz` with clang -fsanitize=fuzzer,address.

#include "JPEGShim.h"
#include "fuzz_feed_plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// Reads every byte the band offers (so ASan checks its bounds and MSan-style garbage shows as crashes in
/// the invariant checks below), then releases it.
static void take_band(gallery_jpeg_decoder *dec, uint32_t *next_row) {
    uint32_t first = 0, count = 0;
    const uint8_t *rows = gallery_jpeg_decoder_band(dec, &first, &count);
    if (count == 0) return;
    gallery_jpeg_info info;
    gallery_jpeg_decoder_info(dec, &info);
    if (rows == NULL || first != *next_row || first + count > info.output_height) abort();
    size_t bytes = (size_t)count * info.output_width * 4;
    uint32_t sum = 0;
    for (size_t i = 0; i < bytes; i++) sum += rows[i];
    sink = sum;
    *next_row = first + count;
    gallery_jpeg_decoder_release_band(dec);
}

/// Feeds `len` bytes (NULL, 0 to resume) and handles every status but ERROR and DONE.
static gallery_jpeg_status push(gallery_jpeg_decoder *dec, const uint8_t *bytes, size_t len, uint32_t *next_row) {
    gallery_jpeg_status status = gallery_jpeg_decoder_feed(dec, bytes, len);
    for (;;) {
        take_band(dec, next_row);
        if (status != GALLERY_JPEG_HEADER_READY && status != GALLERY_JPEG_ROWS_READY) return status;
        status = gallery_jpeg_decoder_feed(dec, NULL, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t h = fnv1a(data, size);
    gallery_jpeg_options options = {
        .box_width = (uint32_t)(h & 0xff),
        .box_height = (uint32_t)((h >> 8) & 0xff),
        // Small limits keep each run fast and inside libFuzzer's memory limit; they also exercise the guards.
        .max_pixels = 16u << 20,
        .max_memory = 64u << 20,
        .band_rows = (h >> 16) & 1 ? (uint32_t)((h >> 17) & 31) : 0,
    };
    gallery_jpeg_decoder *dec = gallery_jpeg_decoder_create(&options);
    if (dec == NULL) return 0;

    size_t split = size > 0 ? (size_t)((h >> 24) % (size + 1)) : 0;
    size_t chunk = 1 + (size_t)((h >> 40) % 8192);
    uint32_t next_row = 0;
    gallery_jpeg_status status = push(dec, data, split, &next_row);
    for (size_t at = split; at < size && status != GALLERY_JPEG_ERROR && status != GALLERY_JPEG_DONE;) {
        size_t n = size - at < chunk ? size - at : chunk;
        status = push(dec, data + at, n, &next_row);
        at += n;
    }
    if (status != GALLERY_JPEG_ERROR) {
        status = gallery_jpeg_decoder_finish(dec);
        while (status == GALLERY_JPEG_ROWS_READY) {
            take_band(dec, &next_row);
            status = gallery_jpeg_decoder_finish(dec);
        }
        take_band(dec, &next_row);
    }

    gallery_jpeg_info info;
    int has_header = gallery_jpeg_decoder_info(dec, &info);
    if (status == GALLERY_JPEG_DONE) {
        // Success means every row exists: no grey-filled partial image.
        if (!has_header || info.rows_decoded != info.output_height || next_row != info.output_height) abort();
        if (info.output_width == 0 || info.output_height == 0) abort();
    } else if (status == GALLERY_JPEG_ERROR) {
        if (gallery_jpeg_decoder_error_kind(dec) == GALLERY_JPEG_ERROR_NONE) abort();
        if (gallery_jpeg_decoder_error_message(dec)[0] == '\0') abort();
    } else {
        abort(); // finish must end in DONE or ERROR
    }
    gallery_jpeg_decoder_destroy(dec);
    return 0;
}
