// GIFShim: the only code that talks to giflib. Swift imports this header and nothing from gif_lib.h.
//
// giflib cannot suspend: its read callback must produce the bytes asked for or fail. So the shim holds the
// input (up to max_held bytes) while a small scanner walks the GIF block structure as bytes arrive, and hands
// giflib the held bytes only once the first image's data is complete. Only the first frame is decoded; later
// bytes are accepted and dropped, so an animation downloads whole and a broken later frame does not matter.
// giflib reports errors as return codes (no longjmp), so no setjmp is needed here.
// See the GIF89a specification (blocks, sub-blocks, Graphic Control Extension) and giflib's gif_lib.h.

#ifndef GALLERY_GIF_SHIM_H
#define GALLERY_GIF_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gallery_gif_decoder gallery_gif_decoder;

typedef struct gallery_gif_options {
    /// Reject a canvas with more pixels than this once its size is known. 0: only GIF's own 65535 a side.
    uint64_t max_pixels;
    /// Bytes held until the first frame is complete; more fails (MEMORY_LIMIT).
    uint64_t max_held;
} gallery_gif_options;

typedef enum gallery_gif_status {
    GALLERY_GIF_NEED_MORE = 0,
    /// The first frame is decoded and every canvas row delivered. Later input is accepted and ignored.
    GALLERY_GIF_DONE = 2,
    /// The band is full: take its rows, release them, then feed again (zero bytes will do) or finish.
    GALLERY_GIF_ROWS_READY = 3,
    GALLERY_GIF_ERROR = -1,
} gallery_gif_status;

typedef enum gallery_gif_error_kind {
    GALLERY_GIF_ERROR_NONE = 0,
    GALLERY_GIF_ERROR_TRUNCATED = 1,
    GALLERY_GIF_ERROR_CORRUPT = 2,
    GALLERY_GIF_ERROR_TOO_LARGE = 3,
    GALLERY_GIF_ERROR_MEMORY_LIMIT = 4,
} gallery_gif_error_kind;

typedef struct gallery_gif_info {
    /// The canvas (logical screen) size.
    uint32_t width;
    uint32_t height;
    /// The first frame has a transparent index or leaves part of the canvas uncovered.
    int has_transparency;
    /// Canvas rows delivered so far.
    uint32_t rows_delivered;
    /// Bytes held now, waiting for the first frame to complete.
    uint64_t bytes_held;
    uint64_t bytes_fed;
} gallery_gif_info;

gallery_gif_decoder *gallery_gif_decoder_create(const gallery_gif_options *options);

gallery_gif_status gallery_gif_decoder_feed(gallery_gif_decoder *decoder, const uint8_t *bytes, size_t len);

/// Ends the input: DONE once every row is out, ROWS_READY if the band filled first (take and call again), else
/// ERROR (TRUNCATED if the first frame never completed).
gallery_gif_status gallery_gif_decoder_finish(gallery_gif_decoder *decoder);

int gallery_gif_decoder_info(const gallery_gif_decoder *decoder, gallery_gif_info *info);

/// The band: `*row_count` canvas rows, RGBA (alpha 0 or 255), width × 4 bytes each, packed; their canvas rows
/// are in `rows_y` (interlaced frames deliver them out of order). Valid until the next feed, finish or release.
const uint8_t *gallery_gif_decoder_band(const gallery_gif_decoder *decoder, const uint32_t **rows_y,
                                        uint32_t *row_count);

void gallery_gif_decoder_release_band(gallery_gif_decoder *decoder);

gallery_gif_error_kind gallery_gif_decoder_error_kind(const gallery_gif_decoder *decoder);

const char *gallery_gif_decoder_error_message(const gallery_gif_decoder *decoder);

void gallery_gif_decoder_destroy(gallery_gif_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
