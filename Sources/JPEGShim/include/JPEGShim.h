// JPEGShim: the product's only code that talks to libjpeg (make-demo-jpegs writes through DemoJPEGEncoder). Swift
// imports this header and nothing from jpeglib.h.
//
// Every setjmp lives in JPEGShim.c: libjpeg reports fatal errors by calling error_exit, whose default calls
// exit(); ours longjmps back into the C function that called libjpeg, which then returns an error status.
// No libjpeg call is ever made from Swift, so a longjmp never crosses a Swift frame.
//
// See libjpeg-turbo's doc/libjpeg.txt, sections "I/O suspension", "Buffered-image mode" and
// "Error handling", and src/example.c for the canonical decode loop this file makes incremental.

#ifndef GALLERY_JPEG_SHIM_H
#define GALLERY_JPEG_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Decoder

/// An incremental JPEG decoder. Not thread-safe: one thread at a time, like the jpeg_decompress_struct inside.
typedef struct gallery_jpeg_decoder gallery_jpeg_decoder;

typedef struct gallery_jpeg_options {
    /// The pixel box the output must cover. The DCT scale M/8 is the smallest M for which both output
    /// dimensions are at least the box's (in display orientation, after EXIF rotation), capped at 8/8.
    /// 0 × 0 decodes at full size.
    uint32_t box_width;
    uint32_t box_height;
    /// Reject images with more pixels than this before allocating anything. 0 means no limit beyond
    /// libjpeg's own (width and height at most 65,500).
    uint64_t max_pixels;
    /// libjpeg's `mem->max_memory_to_use`; 0 means 256 MiB. A progressive image whose coefficient buffer
    /// does not fit fails with GALLERY_JPEG_ERROR_MEMORY_LIMIT.
    uint64_t max_memory;
    /// 0: the output buffer holds the whole decoded image (gallery_jpeg_decoder_pixels). N > 0: it holds a
    /// band of at most N rows; decoding stops with GALLERY_JPEG_ROWS_READY when the band is full, and the
    /// caller takes the rows (gallery_jpeg_decoder_band, _release_band) before feeding again. A 6000-wide
    /// image at scale 1/8 then costs 750 × N × 4 bytes of output instead of 750 × 500 × 4.
    uint32_t band_rows;
} gallery_jpeg_options;

typedef enum gallery_jpeg_status {
    /// Everything fed so far has been decoded as far as it goes; feed more.
    GALLERY_JPEG_NEED_MORE = 0,
    /// The header has just been read: gallery_jpeg_decoder_info is valid. Returned once. The decoder has
    /// stopped before allocating its decode buffers (so a caller can wait for memory first); feed again,
    /// with zero bytes if need be, to go on.
    GALLERY_JPEG_HEADER_READY = 1,
    /// The image is complete; the pixels are ready. Later input is ignored.
    GALLERY_JPEG_DONE = 2,
    /// Band mode only: the band is full. Take its rows (gallery_jpeg_decoder_band), release them, then call
    /// gallery_jpeg_decoder_feed (zero bytes will do) or _finish again to go on.
    GALLERY_JPEG_ROWS_READY = 3,
    /// The image failed; see gallery_jpeg_decoder_error_kind and _error_message. Later calls do nothing.
    GALLERY_JPEG_ERROR = -1,
} gallery_jpeg_status;

typedef enum gallery_jpeg_error_kind {
    GALLERY_JPEG_ERROR_NONE = 0,
    /// The input ended before the image did.
    GALLERY_JPEG_ERROR_TRUNCATED = 1,
    /// libjpeg found corrupt data (a fatal error, or a warning in the fatal table).
    GALLERY_JPEG_ERROR_CORRUPT = 2,
    /// Width or height is 0 or over 65,500, or width × height is over max_pixels.
    GALLERY_JPEG_ERROR_TOO_LARGE = 3,
    /// libjpeg needed more than max_memory, or malloc failed.
    GALLERY_JPEG_ERROR_MEMORY_LIMIT = 4,
    /// A valid JPEG we cannot decode: 12-bit, lossless, an unknown colour space.
    GALLERY_JPEG_ERROR_UNSUPPORTED = 5,
    /// The data does not start with a JPEG SOI marker.
    GALLERY_JPEG_ERROR_NOT_JPEG = 6,
} gallery_jpeg_error_kind;

typedef enum gallery_jpeg_colour_space {
    GALLERY_JPEG_COLOUR_UNKNOWN = 0,
    GALLERY_JPEG_COLOUR_GRAYSCALE = 1,
    GALLERY_JPEG_COLOUR_RGB = 2,
    GALLERY_JPEG_COLOUR_YCBCR = 3,
    GALLERY_JPEG_COLOUR_CMYK = 4,
    GALLERY_JPEG_COLOUR_YCCK = 5,
} gallery_jpeg_colour_space;

typedef struct gallery_jpeg_info {
    uint32_t image_width;
    uint32_t image_height;
    /// The size of the decoded pixels, after DCT scaling (before EXIF orientation).
    uint32_t output_width;
    uint32_t output_height;
    /// M in the DCT scale M/8.
    uint32_t scale_eighths;
    gallery_jpeg_colour_space colour_space;
    /// Whether CMYK/YCCK samples are stored inverted (Adobe APP14 convention).
    int adobe_inverted;
    int progressive;
    int arithmetic;
    /// EXIF orientation, 1–8 (1 when absent or unreadable).
    int orientation;
    /// Output rows decoded so far (0 … output_height).
    uint32_t rows_decoded;
    /// Bytes libjpeg's whole-image coefficient buffer needs for this image; 0 when it decodes row by row.
    uint64_t coefficient_bytes;
    /// Bytes fed so far, and bytes currently held because libjpeg has not consumed them yet.
    uint64_t bytes_fed;
    uint64_t bytes_held;
    /// Warnings libjpeg raised that are not in the fatal table (collected, never printed).
    uint32_t warnings;
} gallery_jpeg_info;

/// Creates a decoder. Returns NULL only when malloc fails.
gallery_jpeg_decoder *gallery_jpeg_decoder_create(const gallery_jpeg_options *options);

/// Appends `len` bytes of input and decodes as far as they allow. Work done is proportional to the bytes
/// fed (baseline rows are decoded as their data arrives), except for the final output pass of a
/// progressive image, which runs when its last scan has arrived.
gallery_jpeg_status gallery_jpeg_decoder_feed(gallery_jpeg_decoder *decoder, const uint8_t *bytes, size_t len);

/// Marks the end of input. Returns GALLERY_JPEG_DONE if the image is complete, otherwise
/// GALLERY_JPEG_ERROR with GALLERY_JPEG_ERROR_TRUNCATED ("truncated JPEG (got N bytes)"). Premature end of
/// data is always an error: the decoder never fills the missing part with grey. In band mode it may return
/// GALLERY_JPEG_ROWS_READY: take the rows and call it again.
gallery_jpeg_status gallery_jpeg_decoder_finish(gallery_jpeg_decoder *decoder);

/// Fills `info` with what is known and returns 1 once the header has been read, 0 before. After a failure
/// in the header (e.g. a side over 65,500), image_width and image_height still say what the header claimed.
int gallery_jpeg_decoder_info(const gallery_jpeg_decoder *decoder, gallery_jpeg_info *info);

/// The output pixels, RGBX (4 bytes per pixel, rows packed), output_width × output_height, or NULL before
/// the header has been read. Rows from `rows_decoded` on are not yet final. In band mode, the band buffer.
const uint8_t *gallery_jpeg_decoder_pixels(const gallery_jpeg_decoder *decoder, size_t *byte_count);

/// The rows decoded and not yet released: `*row_count` rows (possibly 0) starting at output row
/// `*first_row`, RGBX, packed. Valid until the next call that decodes (feed, finish) or releases. Works in
/// both modes; in band mode it is the only way to get the pixels.
const uint8_t *gallery_jpeg_decoder_band(const gallery_jpeg_decoder *decoder, uint32_t *first_row,
                                         uint32_t *row_count);

/// Marks the rows gallery_jpeg_decoder_band returned as taken; in band mode their space is reused.
void gallery_jpeg_decoder_release_band(gallery_jpeg_decoder *decoder);

gallery_jpeg_error_kind gallery_jpeg_decoder_error_kind(const gallery_jpeg_decoder *decoder);

/// A one-line reason, e.g. "Corrupt JPEG data: bad Huffman code"; "" when there is no error.
const char *gallery_jpeg_decoder_error_message(const gallery_jpeg_decoder *decoder);

/// Frees everything. Safe in every state, and with NULL.
void gallery_jpeg_decoder_destroy(gallery_jpeg_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
