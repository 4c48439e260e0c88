// WebPShim: the only code that talks to libwebp. Swift imports this header and nothing from webp/decode.h.
//
// libwebp reports errors as status codes (it never longjmps), so this shim's job is shape: a feed API like the
// JPEG and PNG shims'. A still image goes through libwebp's incremental decoder (WebPIDecoder), which decodes
// macroblock rows as their bytes arrive and scales them straight to the size asked for (its rescaler). A RIFF
// chunk walker beside it picks out the EXIF chunk, which follows the image data, and, for an animation, the
// first ANMF frame, which is held whole (up to max_held bytes) and decoded once complete: WebPIDecoder does
// not take animations. That frame lands on a transparent canvas, as browsers draw it: the ANIM background colour
// is a hint they ignore (see decode_first_frame). Bytes after the image are accepted and dropped, so an animation
// downloads whole.
// See libwebp's src/webp/decode.h ("Incremental decoding") and the container spec (RIFF chunks, ANMF).

#ifndef GALLERY_WEBP_SHIM_H
#define GALLERY_WEBP_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gallery_webp_decoder gallery_webp_decoder;

typedef struct gallery_webp_options {
    /// Reject images with more pixels than this once the header is in. 0: no limit beyond WebP's 16383 a side.
    uint64_t max_pixels;
    /// An animation's first frame is held whole before decoding; a larger frame fails (MEMORY_LIMIT).
    uint64_t max_held;
} gallery_webp_options;

typedef enum gallery_webp_status {
    GALLERY_WEBP_NEED_MORE = 0,
    /// The header has been read: gallery_webp_decoder_info is valid. Returned once. Call
    /// gallery_webp_decoder_start with the output size, then feed again (zero bytes will do).
    GALLERY_WEBP_HEADER_READY = 1,
    /// Every row of the image is out. Later input is accepted (and watched for EXIF) but not decoded.
    GALLERY_WEBP_DONE = 2,
    GALLERY_WEBP_ERROR = -1,
} gallery_webp_status;

typedef enum gallery_webp_error_kind {
    GALLERY_WEBP_ERROR_NONE = 0,
    GALLERY_WEBP_ERROR_TRUNCATED = 1,
    GALLERY_WEBP_ERROR_CORRUPT = 2,
    GALLERY_WEBP_ERROR_TOO_LARGE = 3,
    GALLERY_WEBP_ERROR_MEMORY_LIMIT = 4,
    GALLERY_WEBP_ERROR_UNSUPPORTED = 5,
} gallery_webp_error_kind;

typedef struct gallery_webp_info {
    /// The canvas size.
    uint32_t width;
    uint32_t height;
    int has_alpha;
    int animated;
    /// VP8L: libwebp holds the whole image's pixels while decoding (backward references reach anywhere).
    int lossless;
    /// The size rows come out at, once started.
    uint32_t output_width;
    uint32_t output_height;
    /// Output rows decoded so far.
    uint32_t rows_decoded;
    uint64_t bytes_fed;
} gallery_webp_info;

gallery_webp_decoder *gallery_webp_decoder_create(const gallery_webp_options *options);

gallery_webp_status gallery_webp_decoder_feed(gallery_webp_decoder *decoder, const uint8_t *bytes, size_t len);

/// After HEADER_READY: decode to `width` × `height` (1 ≤ each ≤ the canvas's). Returns 0 on success.
int gallery_webp_decoder_start(gallery_webp_decoder *decoder, uint32_t width, uint32_t height);

/// Ends the input: DONE if every row is out, else ERROR (TRUNCATED).
gallery_webp_status gallery_webp_decoder_finish(gallery_webp_decoder *decoder);

int gallery_webp_decoder_info(const gallery_webp_decoder *decoder, gallery_webp_info *info);

/// Rows decoded and not yet released: `*row_count` rows from output row `*first_row`, RGBA (straight alpha),
/// output_width × 4 bytes each, packed. Valid until the next feed, finish or release.
const uint8_t *gallery_webp_decoder_rows(const gallery_webp_decoder *decoder, uint32_t *first_row,
                                         uint32_t *row_count);

void gallery_webp_decoder_release_rows(gallery_webp_decoder *decoder);

/// The EXIF chunk's payload, or NULL when none has been seen (yet).
const uint8_t *gallery_webp_decoder_exif(const gallery_webp_decoder *decoder, size_t *length);

gallery_webp_error_kind gallery_webp_decoder_error_kind(const gallery_webp_decoder *decoder);

const char *gallery_webp_decoder_error_message(const gallery_webp_decoder *decoder);

void gallery_webp_decoder_destroy(gallery_webp_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
