// The progressive decoder behind PNGShim.h.
//
// libpng's progressive reader takes whatever bytes it is given and calls back with each row as soon as it
// is inflated. It cannot be told to stop after some number of rows, so the shim hands it the input in
// slices of SLICE bytes and stops between slices once the band is full: the band then holds at most one
// slice's worth of rows beyond band_rows, whatever the chunk size the caller feeds.

#include "PNGShim.h"

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#define SLICE 2048
#define DEFAULT_BAND_ROWS 16
/// A band is full at this many bytes too, so very wide rows do not multiply by band_rows.
#define BAND_BYTES_FULL (1u << 20)
/// libpng's own default side limit, kept so a 2^31-wide row is refused before libpng allocates it.
#define MAX_SIDE 1000000u

typedef struct band_row {
    uint32_t y, x_start, x_step, count;
} band_row;

struct gallery_png_decoder {
    png_structp png;
    png_infop info;
    gallery_png_options options;
    gallery_png_info out;
    int header_read;
    int done;
    int failed;
    gallery_png_error_kind kind;
    char message[160];
    /// Input not handed to libpng yet: bytes held[start ..< length].
    uint8_t *held;
    size_t held_start, held_length, held_capacity;
    /// Delivered rows, each at band + i * row_bytes.
    uint8_t *band;
    band_row *records;
    uint32_t band_count, band_capacity;
    size_t row_bytes;
    uint8_t *exif;
    size_t exif_length;
};

// Adam7: where each pass's pixels sit in the image.
static const uint32_t pass_x_start[7] = {0, 4, 0, 2, 0, 1, 0};
static const uint32_t pass_x_step[7] = {8, 8, 4, 4, 2, 2, 1};
static const uint32_t pass_y_start[7] = {0, 0, 4, 0, 2, 0, 1};
static const uint32_t pass_y_step[7] = {8, 8, 8, 4, 4, 2, 2};

static uint32_t pass_columns(uint32_t width, int pass) {
    return width > pass_x_start[pass] ? (width - pass_x_start[pass] + pass_x_step[pass] - 1) / pass_x_step[pass] : 0;
}

static uint32_t pass_rows(uint32_t height, int pass) {
    return height > pass_y_start[pass] ? (height - pass_y_start[pass] + pass_y_step[pass] - 1) / pass_y_step[pass] : 0;
}

static gallery_png_status fail(gallery_png_decoder *dec, gallery_png_error_kind kind, const char *message) {
    dec->failed = 1;
    dec->kind = kind;
    if (message != dec->message) snprintf(dec->message, sizeof dec->message, "%s", message);
    return GALLERY_PNG_ERROR;
}

// MARK: - libpng callbacks

/// Replaces libpng's default, which prints to stderr: records the reason and jumps back to the shim.
static void on_error(png_structp png, png_const_charp message) {
    gallery_png_decoder *dec = png_get_error_ptr(png);
    if (dec->kind == GALLERY_PNG_ERROR_NONE) {
        dec->kind = strstr(message, "memory") != NULL ? GALLERY_PNG_ERROR_MEMORY_LIMIT : GALLERY_PNG_ERROR_CORRUPT;
    }
    snprintf(dec->message, sizeof dec->message, "%s", message);
    png_longjmp(png, 1);
}

/// Warnings (a bad CRC in an ancillary chunk, a palette index out of range) are not shown: a message
/// mid-screen would tear the gallery, and libpng has already decided how to carry on.
static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void keep_exif(gallery_png_decoder *dec) {
    png_bytep exif = NULL;
    png_uint_32 length = 0;
    if (dec->exif != NULL || png_get_eXIf_1(dec->png, dec->info, &length, &exif) == 0 || length == 0) return;
    dec->exif = malloc(length);
    if (dec->exif == NULL) return;
    memcpy(dec->exif, exif, length);
    dec->exif_length = length;
}

/// Called once every chunk before the first IDAT has been read: checks the size before libpng allocates
/// its rows, then asks for 8-bit RGBA whatever the stored format.
static void on_info(png_structp png, png_infop info) {
    gallery_png_decoder *dec = png_get_progressive_ptr(png);
    png_uint_32 width = 0, height = 0;
    int depth = 0, colour = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &depth, &colour, &interlace, NULL, NULL);
    dec->out.width = width;
    dec->out.height = height;
    dec->out.bit_depth = depth;
    dec->out.colour_type = colour;
    dec->out.interlaced = interlace != PNG_INTERLACE_NONE;
    dec->header_read = 1;
    uint64_t pixels = (uint64_t)width * height;
    if (width > MAX_SIDE || height > MAX_SIDE || (dec->options.max_pixels > 0 && pixels > dec->options.max_pixels)) {
        dec->kind = GALLERY_PNG_ERROR_TOO_LARGE;
        png_error(png, "image too large");
    }
    dec->out.has_alpha = (colour & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_gray_to_rgb(png);
    if (!dec->out.has_alpha) png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    double file_gamma = 0;
    if (png_get_gAMA(png, info, &file_gamma) != 0 && file_gamma > 0) png_set_gamma(png, PNG_DEFAULT_sRGB, file_gamma);
    png_read_update_info(png, info);
    dec->row_bytes = (size_t)width * 4;
    if (dec->out.interlaced) {
        for (int pass = 0; pass < 7; pass++) {
            if (pass_columns(width, pass) > 0) dec->out.rows_total += pass_rows(height, pass);
        }
    } else {
        dec->out.rows_total = height;
    }
    keep_exif(dec);
}

/// Copies one row into the band, growing it if a slice produced more rows than it holds.
static void on_row(png_structp png, png_bytep row, png_uint_32 row_number, int pass) {
    gallery_png_decoder *dec = png_get_progressive_ptr(png);
    if (row == NULL) return;
    band_row record = {row_number, 0, 1, dec->out.width};
    if (dec->out.interlaced) {
        if (pass < 0 || pass > 6) png_error(png, "bad interlace pass");
        record = (band_row){pass_y_start[pass] + row_number * pass_y_step[pass], pass_x_start[pass],
                            pass_x_step[pass], pass_columns(dec->out.width, pass)};
    }
    if (record.y >= dec->out.height || record.count == 0) png_error(png, "row outside the image");
    if (dec->band_count == dec->band_capacity) {
        uint32_t capacity = dec->band_capacity == 0 ? 16 : dec->band_capacity * 2;
        uint8_t *band = realloc(dec->band, (size_t)capacity * dec->row_bytes);
        if (band == NULL) png_error(png, "out of memory for the row band");
        dec->band = band;
        band_row *records = realloc(dec->records, (size_t)capacity * sizeof *records);
        if (records == NULL) png_error(png, "out of memory for the row band");
        dec->records = records;
        dec->band_capacity = capacity;
    }
    memcpy(dec->band + (size_t)dec->band_count * dec->row_bytes, row, (size_t)record.count * 4);
    dec->records[dec->band_count++] = record;
    dec->out.rows_delivered++;
}

/// eXIf through the unknown-chunk path too: libpng's progressive reader leaves it to the application.
static int on_unknown_chunk(png_structp png, png_unknown_chunkp chunk) {
    gallery_png_decoder *dec = png_get_user_chunk_ptr(png);
    if (memcmp(chunk->name, "eXIf", 4) != 0 || dec->exif != NULL || chunk->size == 0) return 0;
    dec->exif = malloc(chunk->size);
    if (dec->exif == NULL) return 0;
    memcpy(dec->exif, chunk->data, chunk->size);
    dec->exif_length = chunk->size;
    return 1;
}

static void on_end(png_structp png, png_infop info) {
    (void)info;
    gallery_png_decoder *dec = png_get_progressive_ptr(png);
    keep_exif(dec);
    dec->done = 1;
}

// MARK: - Feeding

static int band_full(const gallery_png_decoder *dec) {
    uint32_t rows = dec->options.band_rows > 0 ? dec->options.band_rows : DEFAULT_BAND_ROWS;
    return dec->band_count >= rows || (size_t)dec->band_count * dec->row_bytes >= BAND_BYTES_FULL;
}

static int every_row_delivered(const gallery_png_decoder *dec) {
    return dec->header_read && dec->out.rows_total > 0 && dec->out.rows_delivered == dec->out.rows_total;
}

/// Hands held input to libpng slice by slice until it runs out, the band fills or the image ends. The only
/// setjmp of the decoder: every libpng error lands here. Everything it touches lives in *dec.
static gallery_png_status pump(gallery_png_decoder *dec) {
    if (setjmp(png_jmpbuf(dec->png))) {
        return fail(dec, dec->kind == GALLERY_PNG_ERROR_NONE ? GALLERY_PNG_ERROR_CORRUPT : dec->kind, dec->message);
    }
    while (!dec->done && dec->held_start < dec->held_length) {
        if (band_full(dec)) return GALLERY_PNG_ROWS_READY;
        size_t length = dec->held_length - dec->held_start;
        if (length > SLICE) length = SLICE;
        uint8_t *slice = dec->held + dec->held_start;
        dec->held_start += length;
        png_process_data(dec->png, dec->info, slice, length);
    }
    if (dec->done) {
        dec->held_start = dec->held_length = 0; // anything after IEND is ignored
        if (!every_row_delivered(dec)) { // libpng only warns when the image data ends early
            char message[sizeof dec->message];
            snprintf(message, sizeof message, "image data ends after %llu of %llu rows",
                     (unsigned long long)dec->out.rows_delivered, (unsigned long long)dec->out.rows_total);
            return fail(dec, GALLERY_PNG_ERROR_CORRUPT, message);
        }
        return GALLERY_PNG_DONE;
    }
    return GALLERY_PNG_NEED_MORE;
}

/// Appends to the held input, first moving what is left of it to the front.
static int hold(gallery_png_decoder *dec, const uint8_t *bytes, size_t len) {
    size_t left = dec->held_length - dec->held_start;
    if (dec->held_start > 0) {
        memmove(dec->held, dec->held + dec->held_start, left);
        dec->held_start = 0;
        dec->held_length = left;
    }
    if (left + len > dec->held_capacity) {
        size_t capacity = left + len;
        uint8_t *held = realloc(dec->held, capacity);
        if (held == NULL) return 0;
        dec->held = held;
        dec->held_capacity = capacity;
    }
    memcpy(dec->held + left, bytes, len);
    dec->held_length = left + len;
    return 1;
}

// MARK: - Public API

gallery_png_decoder *gallery_png_decoder_create(const gallery_png_options *options) {
    gallery_png_decoder *dec = calloc(1, sizeof *dec);
    if (dec == NULL) return NULL;
    if (options != NULL) dec->options = *options;
    dec->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, dec, on_error, on_warning);
    if (dec->png == NULL) {
        free(dec);
        return NULL;
    }
    if (setjmp(png_jmpbuf(dec->png))) { // png_create_info_struct fails only when malloc does
        gallery_png_decoder_destroy(dec);
        return NULL;
    }
    dec->info = png_create_info_struct(dec->png);
    if (dec->info == NULL) {
        gallery_png_decoder_destroy(dec);
        return NULL;
    }
    png_set_user_limits(dec->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX); // the shim's own limits apply instead
    png_set_benign_errors(dec->png, 1);
    png_set_progressive_read_fn(dec->png, dec, on_info, on_row, on_end);
    png_set_read_user_chunk_fn(dec->png, dec, on_unknown_chunk);
    return dec;
}

gallery_png_status gallery_png_decoder_feed(gallery_png_decoder *dec, const uint8_t *bytes, size_t len) {
    if (dec == NULL || dec->failed) return GALLERY_PNG_ERROR;
    if (bytes == NULL) len = 0;
    dec->out.bytes_fed += len;
    if (dec->done) return GALLERY_PNG_DONE;
    if (len > 0 && !hold(dec, bytes, len)) {
        return fail(dec, GALLERY_PNG_ERROR_MEMORY_LIMIT, "out of memory for the input buffer");
    }
    return pump(dec);
}

gallery_png_status gallery_png_decoder_finish(gallery_png_decoder *dec) {
    if (dec == NULL || dec->failed) return GALLERY_PNG_ERROR;
    gallery_png_status status = pump(dec);
    if (status == GALLERY_PNG_ERROR || status == GALLERY_PNG_ROWS_READY) return status;
    if (dec->done || every_row_delivered(dec)) {
        dec->done = 1;
        return GALLERY_PNG_DONE;
    }
    char message[sizeof dec->message];
    snprintf(message, sizeof message, "%llu of %llu rows", (unsigned long long)dec->out.rows_delivered,
             (unsigned long long)dec->out.rows_total);
    return fail(dec, GALLERY_PNG_ERROR_TRUNCATED, message);
}

int gallery_png_decoder_info(const gallery_png_decoder *dec, gallery_png_info *info) {
    if (dec == NULL) return 0;
    *info = dec->out;
    return dec->header_read;
}

uint32_t gallery_png_decoder_band_count(const gallery_png_decoder *dec) {
    return dec != NULL ? dec->band_count : 0;
}

int gallery_png_decoder_band_row(const gallery_png_decoder *dec, uint32_t index, gallery_png_row *row) {
    if (dec == NULL || index >= dec->band_count) return 0;
    band_row record = dec->records[index];
    *row = (gallery_png_row){record.y, record.x_start, record.x_step, record.count,
                             dec->band + (size_t)index * dec->row_bytes};
    return 1;
}

void gallery_png_decoder_release_band(gallery_png_decoder *dec) {
    if (dec != NULL) dec->band_count = 0;
}

const uint8_t *gallery_png_decoder_exif(const gallery_png_decoder *dec, size_t *length) {
    *length = dec != NULL ? dec->exif_length : 0;
    return dec != NULL ? dec->exif : NULL;
}

gallery_png_error_kind gallery_png_decoder_error_kind(const gallery_png_decoder *dec) {
    return dec != NULL && dec->failed ? dec->kind : GALLERY_PNG_ERROR_NONE;
}

const char *gallery_png_decoder_error_message(const gallery_png_decoder *dec) {
    return dec != NULL && dec->failed ? dec->message : "";
}

void gallery_png_decoder_destroy(gallery_png_decoder *dec) {
    if (dec == NULL) return;
    if (dec->png != NULL) png_destroy_read_struct(&dec->png, dec->info != NULL ? &dec->info : NULL, NULL);
    free(dec->held);
    free(dec->band);
    free(dec->records);
    free(dec->exif);
    free(dec);
}
