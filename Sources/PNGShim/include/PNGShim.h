// PNGShim: the only code that talks to libpng. Swift imports this header and nothing from png.h.
//
// Every setjmp lives in PNGShim.c: libpng reports fatal errors by longjmp-ing to png_jmpbuf, so each shim
// function that calls into libpng sets that jump target first and turns the jump into an error status. No
// libpng call is ever made from Swift, so a longjmp never crosses a Swift frame.
//
// The decoder is libpng's progressive reader (png_process_data): bytes are pushed as they arrive and rows
// come out of a callback as soon as their data is in, so nothing waits for the whole file. Rows are
// expanded to 8-bit RGBA (palette, tRNS, gray, 16-bit all become that), with gAMA honoured and sRGB assumed.
// See the libpng manual, section "Reading PNG files progressively".

#ifndef GALLERY_PNG_SHIM_H
#define GALLERY_PNG_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An incremental PNG decoder. Not thread-safe: one thread at a time, like the png_struct inside.
typedef struct gallery_png_decoder gallery_png_decoder;

typedef struct gallery_png_options {
    /// Reject images with more pixels than this when the header arrives, before libpng allocates a row.
    /// 0 means no limit beyond PNG's own (2^31 - 1 a side).
    uint64_t max_pixels;
    /// Decoding stops with GALLERY_PNG_ROWS_READY once the band holds at least this many rows (0 means 16).
    /// Input is handed to libpng in small slices, so the band overshoots by at most one slice's rows.
    uint32_t band_rows;
} gallery_png_options;

typedef enum gallery_png_status {
    /// Everything fed so far has been decoded as far as it goes; feed more.
    GALLERY_PNG_NEED_MORE = 0,
    /// The image is complete. Later input is ignored.
    GALLERY_PNG_DONE = 2,
    /// The band is full: take its rows (gallery_png_decoder_row), release them, then feed again (zero bytes
    /// will do) or finish.
    GALLERY_PNG_ROWS_READY = 3,
    /// The image failed; see gallery_png_decoder_error_kind and _error_message. Later calls do nothing.
    GALLERY_PNG_ERROR = -1,
} gallery_png_status;

typedef enum gallery_png_error_kind {
    GALLERY_PNG_ERROR_NONE = 0,
    /// The input ended before the last row did.
    GALLERY_PNG_ERROR_TRUNCATED = 1,
    /// libpng found corrupt data (bad CRC of a critical chunk, bad zlib data, a malformed header...).
    GALLERY_PNG_ERROR_CORRUPT = 2,
    /// Width × height is over max_pixels.
    GALLERY_PNG_ERROR_TOO_LARGE = 3,
    /// malloc failed.
    GALLERY_PNG_ERROR_MEMORY_LIMIT = 4,
} gallery_png_error_kind;

typedef struct gallery_png_info {
    uint32_t width;
    uint32_t height;
    /// PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA) and bit depth, as stored.
    int colour_type;
    int bit_depth;
    /// Adam7: rows come pass by pass, each pass a sparse grid of the image (see gallery_png_row).
    int interlaced;
    /// Whether any pixel can be less than opaque (an alpha channel or a tRNS chunk).
    int has_alpha;
    /// Rows handed out so far, over all passes.
    uint64_t rows_delivered;
    /// Rows the image has over all passes: height for a plain image, more for Adam7.
    uint64_t rows_total;
    uint64_t bytes_fed;
} gallery_png_info;

/// Where one delivered row's pixels belong: image row `y`, columns x_start, x_start + x_step, ... (`count`
/// of them). A plain image's rows have x_start 0, x_step 1, count = width.
typedef struct gallery_png_row {
    uint32_t y;
    uint32_t x_start;
    uint32_t x_step;
    uint32_t count;
    /// count × 4 bytes, R G B A, straight (not premultiplied) alpha, sRGB-encoded.
    const uint8_t *pixels;
} gallery_png_row;

/// Creates a decoder. Returns NULL only when malloc fails.
gallery_png_decoder *gallery_png_decoder_create(const gallery_png_options *options);

/// Appends `len` bytes and decodes as far as they allow, or until the band is full.
gallery_png_status gallery_png_decoder_feed(gallery_png_decoder *decoder, const uint8_t *bytes, size_t len);

/// Marks the end of input and decodes what is held. Returns GALLERY_PNG_DONE once every row has been
/// delivered (a missing IEND is forgiven, as the pixels are complete), ROWS_READY when the band fills
/// first (take the rows and call it again), or ERROR (GALLERY_PNG_ERROR_TRUNCATED if rows are missing).
gallery_png_status gallery_png_decoder_finish(gallery_png_decoder *decoder);

/// Fills `info` and returns 1 once the header has been read, 0 before. After a TOO_LARGE failure the
/// width and height still say what the header claimed.
int gallery_png_decoder_info(const gallery_png_decoder *decoder, gallery_png_info *info);

/// How many rows the band holds now.
uint32_t gallery_png_decoder_band_count(const gallery_png_decoder *decoder);

/// Row `index` of the band (0 ..< band_count). Valid until the next feed, finish or release.
int gallery_png_decoder_band_row(const gallery_png_decoder *decoder, uint32_t index, gallery_png_row *row);

/// Empties the band.
void gallery_png_decoder_release_band(gallery_png_decoder *decoder);

/// The eXIf chunk's payload (a TIFF header and IFDs), or NULL when the file has none (so far).
const uint8_t *gallery_png_decoder_exif(const gallery_png_decoder *decoder, size_t *length);

gallery_png_error_kind gallery_png_decoder_error_kind(const gallery_png_decoder *decoder);

/// A one-line reason, e.g. "IDAT: CRC error"; "" when there is no error.
const char *gallery_png_decoder_error_message(const gallery_png_decoder *decoder);

/// Frees everything. Safe in every state, and with NULL.
void gallery_png_decoder_destroy(gallery_png_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
