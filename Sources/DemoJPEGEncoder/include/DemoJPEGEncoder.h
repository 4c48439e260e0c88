// DemoJPEGEncoder: libjpeg's compressor, row by row, for make-demo-jpegs alone (the demo's large JPEGs and the
// test fixtures). It lives apart from JPEGShim so the gallery binary carries no encoder.
//
// Like JPEGShim, every setjmp lives in the C file: libjpeg's error_exit longjmps back into the C function that
// called libjpeg, which returns an error status, so a longjmp never crosses a Swift frame.

#ifndef DEMO_JPEG_ENCODER_H
#define DEMO_JPEG_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum demo_jpeg_subsampling {
    DEMO_JPEG_SUBSAMPLING_420 = 0,
    DEMO_JPEG_SUBSAMPLING_422 = 1,
    DEMO_JPEG_SUBSAMPLING_444 = 2,
} demo_jpeg_subsampling;

typedef enum demo_jpeg_input {
    /// 3 bytes per pixel, R G B; stored as YCbCr.
    DEMO_JPEG_INPUT_RGB = 0,
    /// 1 byte per pixel; stored as grayscale.
    DEMO_JPEG_INPUT_GRAY = 1,
    /// 4 bytes per pixel, C M Y K (0 = no ink); stored as CMYK without an Adobe marker.
    DEMO_JPEG_INPUT_CMYK = 2,
    /// 4 bytes per pixel, already inverted (255 = no ink) as Photoshop writes them; stored as YCCK with an
    /// Adobe APP14 marker.
    DEMO_JPEG_INPUT_ADOBE_INVERTED_CMYK = 3,
} demo_jpeg_input;

typedef struct demo_jpeg_encode_options {
    uint32_t width;
    uint32_t height;
    demo_jpeg_input input;
    /// 1–100.
    int quality;
    demo_jpeg_subsampling subsampling;
    int progressive;
    int arithmetic;
    int optimize_coding;
    /// Restart interval in MCU rows; 0 for none.
    int restart_rows;
    /// 1–8 writes an EXIF APP1 segment with this orientation; 0 writes none.
    int exif_orientation;
    /// Use the fast integer DCT (what the demo's large images use; fixtures use the accurate one).
    int fast_dct;
} demo_jpeg_encode_options;

/// A JPEG being written to a file row by row, so the whole image never has to be in memory.
typedef struct demo_jpeg_encoder demo_jpeg_encoder;

/// Opens `path` for writing and writes the headers. Returns NULL with a message in `error` (of
/// `error_len` bytes) on failure.
demo_jpeg_encoder *demo_jpeg_encoder_begin(const char *path, const demo_jpeg_encode_options *options,
                                                 char *error, size_t error_len);

/// Writes `count` rows, packed one after another (width × bytes per pixel each). Returns 0 on success.
int demo_jpeg_encoder_write_rows(demo_jpeg_encoder *encoder, const uint8_t *rows, uint32_t count);

/// Finishes the file (every row must have been written) and closes it. Returns 0 on success.
int demo_jpeg_encoder_end(demo_jpeg_encoder *encoder);

/// The reason for the last failure, or "".
const char *demo_jpeg_encoder_error_message(const demo_jpeg_encoder *encoder);

/// Frees the encoder, closing the file if still open (the partial file is left for the caller to remove).
void demo_jpeg_encoder_destroy(demo_jpeg_encoder *encoder);

#ifdef __cplusplus
}
#endif

#endif
