// The incremental decoder behind JPEGShim.h.
//
// Decoding uses a *suspending* source manager (libjpeg.txt, "I/O suspension"): fill_input_buffer returns
// FALSE when the bytes fed so far run out, libjpeg backs up to the start of the marker or MCU it was
// reading, and we re-enter jpeg_read_header / jpeg_start_decompress / jpeg_read_scanlines /
// jpeg_finish_decompress when the next chunk arrives. Only the bytes libjpeg has not consumed yet are kept.

#include "JPEGShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// jpeglib.h needs FILE and size_t first (stdio.h above).
#include <jpeglib.h>
#include <jerror.h>

#define SHIM_DEFAULT_MAX_MEMORY (256ull * 1024 * 1024)
#define SHIM_MAX_DIMENSION 65500u

// MARK: - Errors and warnings

/// libjpeg's error manager plus our jump target. `pub` must stay first: libjpeg hands us `cinfo->err`.
typedef struct shim_errors {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    gallery_jpeg_error_kind kind;
    char message[JMSG_LENGTH_MAX + 64];
    unsigned warnings;
} shim_errors;

/// Warnings that mean pixels were lost or made up: libjpeg carries on (filling with grey, or skipping
/// data), but for us the image has failed. Every other warning is counted and otherwise ignored.
static const int fatal_warnings[] = {
    JWRN_JPEG_EOF,          // "Premature end of JPEG file": libjpeg inserted a fake EOI.
    JWRN_HIT_MARKER,        // "premature end of data segment": a scan ended before its MCUs did.
    JWRN_HUFF_BAD_CODE,     // "bad Huffman code": entropy data is garbage.
    JWRN_ARITH_BAD_CODE,    // "bad arithmetic code": the same, for arithmetic coding.
    JWRN_MUST_RESYNC,       // "found marker 0x.. instead of RSTn": data lost between restart markers.
    JWRN_EXTRANEOUS_DATA,   // "N extraneous bytes before marker": the scan had data its MCUs did not use.
    JWRN_NOT_SEQUENTIAL,    // "Invalid SOS parameters for sequential JPEG".
    JWRN_BOGUS_PROGRESSION, // "Inconsistent progression sequence": refinement of coefficients never sent.
};
// Collected silently: JWRN_ADOBE_XFORM (unknown Adobe transform; libjpeg guesses), JWRN_JFIF_MAJOR (newer
// JFIF revision), JWRN_BOGUS_ICC (a broken ICC profile we never read), JWRN_TOO_MUCH_DATA (our own misuse,
// and harmless).

static int warning_is_fatal(int code) {
    for (size_t i = 0; i < sizeof fatal_warnings / sizeof fatal_warnings[0]; i++) {
        if (fatal_warnings[i] == code) return 1;
    }
    return 0;
}

static gallery_jpeg_error_kind kind_of_error(int code) {
    switch (code) {
    case JERR_NO_SOI:
        return GALLERY_JPEG_ERROR_NOT_JPEG;
    case JERR_IMAGE_TOO_BIG:
        return GALLERY_JPEG_ERROR_TOO_LARGE;
    case JERR_OUT_OF_MEMORY:
    case JERR_NO_BACKING_STORE:
    case JERR_TFILE_CREATE:
        return GALLERY_JPEG_ERROR_MEMORY_LIMIT;
    case JERR_BAD_PRECISION:
    case JERR_SOF_UNSUPPORTED:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOT_COMPILED:
    case JERR_EMPTY_IMAGE:
        return GALLERY_JPEG_ERROR_UNSUPPORTED;
    default:
        return GALLERY_JPEG_ERROR_CORRUPT;
    }
}

/// Replaces libjpeg's default, which prints and calls exit().
static void shim_error_exit(j_common_ptr cinfo) {
    shim_errors *errors = (shim_errors *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, errors->message);
    errors->kind = kind_of_error(cinfo->err->msg_code);
    longjmp(errors->jump, 1);
}

/// Warnings (level -1) in the fatal table fail the image; the rest are counted. Trace messages are dropped.
static void shim_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    shim_errors *errors = (shim_errors *)cinfo->err;
    if (warning_is_fatal(cinfo->err->msg_code)) {
        (*cinfo->err->format_message)(cinfo, errors->message);
        errors->kind = GALLERY_JPEG_ERROR_CORRUPT;
        longjmp(errors->jump, 1);
    }
    errors->warnings++;
    cinfo->err->num_warnings++;
}

/// Nothing is ever printed: a message mid-screen would tear the gallery.
static void shim_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void shim_errors_init(shim_errors *errors) {
    jpeg_std_error(&errors->pub);
    errors->pub.error_exit = shim_error_exit;
    errors->pub.emit_message = shim_emit_message;
    errors->pub.output_message = shim_output_message;
    errors->kind = GALLERY_JPEG_ERROR_NONE;
    errors->message[0] = '\0';
    errors->warnings = 0;
}

// MARK: - Decoder state

typedef enum shim_phase {
    PHASE_HEADER,   // re-entering jpeg_read_header
    PHASE_PAUSED,   // header read, decode buffers not allocated yet (GALLERY_JPEG_HEADER_READY returned)
    PHASE_START,    // re-entering jpeg_start_decompress (absorbs every scan of a multi-scan image)
    PHASE_ROWS,     // re-entering jpeg_read_scanlines
    PHASE_FINISH,   // every row decoded; re-entering jpeg_finish_decompress to reach EOI
    PHASE_DONE,
    PHASE_FAILED,
} shim_phase;

struct gallery_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    shim_errors errors;
    struct jpeg_source_mgr source;
    int has_cinfo;
    shim_phase phase;
    gallery_jpeg_options options;
    gallery_jpeg_info info;
    int header_read;

    /// Bytes libjpeg has not consumed yet live in input[.. capacity); source.next_input_byte points in it.
    uint8_t *input;
    size_t input_capacity;
    /// Bytes libjpeg asked to skip (an unsaved marker) beyond what was held: dropped from the next chunks.
    uint64_t pending_skip;
    /// End of input has been signalled: running out of data now means truncation.
    int at_end;

    /// The whole output image, or in band mode a band of band_capacity rows: row r of the image lives at
    /// pixels + (r - band_first) * stride in band mode, pixels + r * stride otherwise.
    uint8_t *pixels;
    size_t pixels_size;
    uint32_t band_capacity;
    /// Rows band_first ..< rows_decoded have been decoded and not yet released.
    uint32_t band_first;
    int convert_cmyk;
};

static gallery_jpeg_decoder *decoder_of(j_decompress_ptr cinfo) { return (gallery_jpeg_decoder *)cinfo->client_data; }

static void release_libjpeg(gallery_jpeg_decoder *dec) {
    if (dec->has_cinfo) {
        jpeg_destroy_decompress(&dec->cinfo);
        dec->has_cinfo = 0;
    }
    free(dec->input);
    dec->input = NULL;
    dec->input_capacity = 0;
    dec->source.next_input_byte = NULL;
    dec->source.bytes_in_buffer = 0;
}

static gallery_jpeg_status fail(gallery_jpeg_decoder *dec, gallery_jpeg_error_kind kind, const char *message) {
    dec->errors.kind = kind;
    snprintf(dec->errors.message, sizeof dec->errors.message, "%s", message);
    dec->phase = PHASE_FAILED;
    release_libjpeg(dec);
    free(dec->pixels);
    dec->pixels = NULL;
    dec->pixels_size = 0;
    return GALLERY_JPEG_ERROR;
}

static void fail_truncated(gallery_jpeg_decoder *dec) {
    dec->errors.kind = GALLERY_JPEG_ERROR_TRUNCATED;
    snprintf(dec->errors.message, sizeof dec->errors.message, "truncated JPEG (got %llu bytes)",
             (unsigned long long)dec->info.bytes_fed);
}

// MARK: - Suspending source manager

static void source_init(j_decompress_ptr cinfo) { (void)cinfo; }
static void source_term(j_decompress_ptr cinfo) { (void)cinfo; }

/// Returning FALSE suspends libjpeg until the next feed. Once input has ended, running dry is truncation:
/// we fail here rather than let libjpeg insert a fake EOI and grey-fill the rest.
static boolean source_fill(j_decompress_ptr cinfo) {
    gallery_jpeg_decoder *dec = decoder_of(cinfo);
    if (!dec->at_end) return FALSE;
    fail_truncated(dec);
    longjmp(dec->errors.jump, 1);
}

static void source_skip(j_decompress_ptr cinfo, long count) {
    gallery_jpeg_decoder *dec = decoder_of(cinfo);
    if (count <= 0) return;
    size_t n = (size_t)count;
    if (n <= dec->source.bytes_in_buffer) {
        dec->source.next_input_byte += n;
        dec->source.bytes_in_buffer -= n;
    } else {
        dec->pending_skip += n - dec->source.bytes_in_buffer;
        dec->source.next_input_byte += dec->source.bytes_in_buffer;
        dec->source.bytes_in_buffer = 0;
    }
}

/// Moves the unconsumed bytes to the front of the buffer and appends the new chunk behind them.
static int hold_input(gallery_jpeg_decoder *dec, const uint8_t *bytes, size_t len) {
    if (dec->pending_skip > 0) {
        size_t skip = dec->pending_skip < len ? (size_t)dec->pending_skip : len;
        bytes += skip;
        len -= skip;
        dec->pending_skip -= skip;
    }
    if (len == 0) return 1;
    size_t held = dec->source.bytes_in_buffer;
    const uint8_t *start = dec->source.next_input_byte;
    if (held > SIZE_MAX - len) return 0;
    if (held + len > dec->input_capacity) {
        size_t capacity = dec->input_capacity * 2;
        if (capacity < held + len) capacity = held + len;
        if (capacity < 4096) capacity = 4096;
        uint8_t *grown = malloc(capacity);
        if (grown == NULL) return 0;
        if (held > 0) memcpy(grown, start, held);
        free(dec->input);
        dec->input = grown;
        dec->input_capacity = capacity;
    } else if (held > 0 && start != dec->input) {
        memmove(dec->input, start, held);
    }
    memcpy(dec->input + held, bytes, len);
    dec->source.next_input_byte = dec->input;
    dec->source.bytes_in_buffer = held + len;
    return 1;
}

// MARK: - Header: EXIF orientation, guards, scale, colour

static unsigned read16(const uint8_t *p, int little) {
    return little ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t read32(const uint8_t *p, int little) {
    return little ? ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24)
                  : ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

/// The Orientation tag (0x0112) of IFD0 in an "Exif\0\0" APP1 segment; 1 when absent or malformed.
static int exif_orientation(j_decompress_ptr cinfo) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next) {
        if (m->marker != JPEG_APP0 + 1 || m->data_length < 6 + 8 + 2) continue;
        if (memcmp(m->data, "Exif\0\0", 6) != 0) continue;
        const uint8_t *tiff = m->data + 6;
        size_t size = m->data_length - 6;
        int little;
        if (tiff[0] == 'I' && tiff[1] == 'I') {
            little = 1;
        } else if (tiff[0] == 'M' && tiff[1] == 'M') {
            little = 0;
        } else {
            continue;
        }
        if (read16(tiff + 2, little) != 42) continue;
        uint32_t ifd = read32(tiff + 4, little);
        if (ifd > size - 2) continue;
        unsigned count = read16(tiff + ifd, little);
        for (unsigned i = 0; i < count; i++) {
            size_t entry = (size_t)ifd + 2 + 12 * (size_t)i;
            if (entry + 12 > size) break;
            if (read16(tiff + entry, little) != 0x0112) continue;
            if (read16(tiff + entry + 2, little) != 3) return 1; // not a SHORT
            unsigned value = read16(tiff + entry + 8, little);
            return value >= 1 && value <= 8 ? (int)value : 1;
        }
    }
    return 1;
}

static gallery_jpeg_colour_space colour_space_of(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return GALLERY_JPEG_COLOUR_GRAYSCALE;
    case JCS_RGB: return GALLERY_JPEG_COLOUR_RGB;
    case JCS_YCbCr: return GALLERY_JPEG_COLOUR_YCBCR;
    case JCS_CMYK: return GALLERY_JPEG_COLOUR_CMYK;
    case JCS_YCCK: return GALLERY_JPEG_COLOUR_YCCK;
    default: return GALLERY_JPEG_COLOUR_UNKNOWN;
    }
}

/// The smallest M in 1…8 whose M/8 output covers the box.
static unsigned scale_covering(uint32_t width, uint32_t height, uint32_t box_width, uint32_t box_height) {
    if (box_width == 0 && box_height == 0) return 8; // no box: full size
    for (unsigned m = 1; m < 8; m++) {
        uint64_t w = ((uint64_t)width * m + 7) / 8;
        uint64_t h = ((uint64_t)height * m + 7) / 8;
        if (w >= box_width && h >= box_height) return m;
    }
    return 8;
}

/// Bytes of the whole-image coefficient arrays libjpeg allocates for a multi-scan image.
static uint64_t coefficient_bytes(j_decompress_ptr cinfo) {
    if (!jpeg_has_multiple_scans(cinfo)) return 0;
    uint64_t total = 0;
    for (int c = 0; c < cinfo->num_components; c++) {
        jpeg_component_info *comp = &cinfo->comp_info[c];
        uint64_t w = comp->width_in_blocks, h = comp->height_in_blocks;
        uint64_t hs = (uint64_t)comp->h_samp_factor, vs = (uint64_t)comp->v_samp_factor;
        w = (w + hs - 1) / hs * hs;
        h = (h + vs - 1) / vs * vs;
        total += w * h * DCTSIZE2 * sizeof(JCOEF);
    }
    return total;
}

/// Runs once the header is in: guards, then output parameters, then the output buffer. Returns
/// GALLERY_JPEG_HEADER_READY or an error.
static gallery_jpeg_status configure(gallery_jpeg_decoder *dec) {
    j_decompress_ptr cinfo = &dec->cinfo;
    char message[160];
    uint32_t width = cinfo->image_width, height = cinfo->image_height;
    gallery_jpeg_info *info = &dec->info;
    info->image_width = width;
    info->image_height = height;
    info->colour_space = colour_space_of(cinfo->jpeg_color_space);
    info->progressive = cinfo->progressive_mode ? 1 : 0;
    info->arithmetic = cinfo->arith_code ? 1 : 0;
    info->orientation = exif_orientation(cinfo);
    info->coefficient_bytes = coefficient_bytes(cinfo);
    dec->header_read = 1;

    if (width == 0 || height == 0 || width > SHIM_MAX_DIMENSION || height > SHIM_MAX_DIMENSION) {
        snprintf(message, sizeof message, "image is %ux%u pixels (each side must be 1 to %u)", width, height,
                 SHIM_MAX_DIMENSION);
        return fail(dec, GALLERY_JPEG_ERROR_TOO_LARGE, message);
    }
    if (dec->options.max_pixels != 0 && (uint64_t)width * height > dec->options.max_pixels) {
        snprintf(message, sizeof message, "image is %ux%u pixels, over the limit of %llu", width, height,
                 (unsigned long long)dec->options.max_pixels);
        return fail(dec, GALLERY_JPEG_ERROR_TOO_LARGE, message);
    }
    if (info->coefficient_bytes > dec->options.max_memory) {
        snprintf(message, sizeof message, "progressive decode needs %llu MiB, over the limit of %llu MiB",
                 (unsigned long long)(info->coefficient_bytes >> 20),
                 (unsigned long long)(dec->options.max_memory >> 20));
        return fail(dec, GALLERY_JPEG_ERROR_MEMORY_LIMIT, message);
    }

    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_EXT_RGBX;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        // libjpeg-turbo converts YCCK to CMYK but not CMYK to RGB: we do that last step per row.
        cinfo->out_color_space = JCS_CMYK;
        dec->convert_cmyk = 1;
        info->adobe_inverted = cinfo->saw_Adobe_marker ? 1 : 0;
        break;
    default:
        snprintf(message, sizeof message, "unsupported colour space (%d components)", cinfo->num_components);
        return fail(dec, GALLERY_JPEG_ERROR_UNSUPPORTED, message);
    }

    uint32_t box_width = dec->options.box_width, box_height = dec->options.box_height;
    if (info->orientation >= 5) { // rotated a quarter turn: the box is measured the other way round
        uint32_t t = box_width;
        box_width = box_height;
        box_height = t;
    }
    cinfo->scale_num = scale_covering(width, height, box_width, box_height);
    cinfo->scale_denom = 8;
    jpeg_calc_output_dimensions(cinfo);
    info->scale_eighths = cinfo->scale_num * 8 / cinfo->scale_denom;
    info->output_width = cinfo->output_width;
    info->output_height = cinfo->output_height;

    uint32_t rows = cinfo->output_height;
    if (dec->options.band_rows > 0 && dec->options.band_rows < rows) rows = dec->options.band_rows;
    dec->band_capacity = dec->options.band_rows > 0 ? rows : 0;
    size_t size = (size_t)cinfo->output_width * rows * 4;
    dec->pixels = calloc(size, 1);
    if (dec->pixels == NULL) return fail(dec, GALLERY_JPEG_ERROR_MEMORY_LIMIT, "out of memory for the output pixels");
    dec->pixels_size = size;
    return GALLERY_JPEG_HEADER_READY;
}

/// CMYK (or YCCK already turned into CMYK by libjpeg) to RGBX, in place. Adobe inverted files store 255 for
/// no ink; plain ones store 0.
static void cmyk_rows_to_rgbx(uint8_t *row, size_t pixels, int inverted) {
    for (size_t i = 0; i < pixels; i++, row += 4) {
        unsigned c = row[0], m = row[1], y = row[2], k = row[3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        row[0] = (uint8_t)((c * k + 127) / 255);
        row[1] = (uint8_t)((m * k + 127) / 255);
        row[2] = (uint8_t)((y * k + 127) / 255);
        row[3] = 255;
    }
}

// MARK: - The decode loop, re-entered on every feed

/// Decodes as far as the held input allows. The only setjmp of the decoder: libjpeg's errors, fatal warnings
/// and truncation at end of input all land here. Everything it touches lives in *dec, not in locals.
static gallery_jpeg_status decode_step(gallery_jpeg_decoder *dec) {
    if (setjmp(dec->errors.jump)) {
        if (dec->has_cinfo && !dec->header_read) { // e.g. JERR_IMAGE_TOO_BIG: the caller wants the size
            dec->info.image_width = dec->cinfo.image_width;
            dec->info.image_height = dec->cinfo.image_height;
        }
        gallery_jpeg_error_kind kind = dec->errors.kind;
        char message[sizeof dec->errors.message];
        memcpy(message, dec->errors.message, sizeof message);
        return fail(dec, kind == GALLERY_JPEG_ERROR_NONE ? GALLERY_JPEG_ERROR_CORRUPT : kind, message);
    }
    j_decompress_ptr cinfo = &dec->cinfo;
    for (;;) {
        switch (dec->phase) {
        case PHASE_HEADER: {
            int result = jpeg_read_header(cinfo, TRUE);
            if (result == JPEG_SUSPENDED) return GALLERY_JPEG_NEED_MORE;
            if (result != JPEG_HEADER_OK) {
                return fail(dec, GALLERY_JPEG_ERROR_CORRUPT, "JPEG datastream contains no image");
            }
            gallery_jpeg_status status = configure(dec);
            if (status != GALLERY_JPEG_HEADER_READY) return status;
            dec->phase = PHASE_PAUSED;
            return GALLERY_JPEG_HEADER_READY;
        }
        case PHASE_PAUSED:
            dec->phase = PHASE_START;
            break;
        case PHASE_START:
            // libjpeg's arithmetic decoder cannot suspend (JERR_CANT_SUSPEND), so those rare files are held
            // whole and decoded once input has ended.
            if (dec->info.arithmetic && !dec->at_end) return GALLERY_JPEG_NEED_MORE;
            if (!jpeg_start_decompress(cinfo)) return GALLERY_JPEG_NEED_MORE;
            dec->phase = PHASE_ROWS;
            break;
        case PHASE_ROWS: {
            size_t stride = (size_t)cinfo->output_width * 4;
            while (cinfo->output_scanline < cinfo->output_height) {
                JSAMPROW rows[16];
                JDIMENSION first = cinfo->output_scanline;
                JDIMENSION wanted = cinfo->output_height - first;
                uint8_t *at = dec->pixels + (size_t)first * stride;
                if (dec->band_capacity > 0) {
                    JDIMENSION room = dec->band_capacity - (first - dec->band_first);
                    if (room == 0) return GALLERY_JPEG_ROWS_READY;
                    if (wanted > room) wanted = room;
                    at = dec->pixels + (size_t)(first - dec->band_first) * stride;
                }
                if (wanted > 16) wanted = 16;
                for (JDIMENSION i = 0; i < wanted; i++) rows[i] = at + i * stride;
                JDIMENSION got = jpeg_read_scanlines(cinfo, rows, wanted);
                if (got == 0) return GALLERY_JPEG_NEED_MORE;
                if (dec->convert_cmyk) {
                    cmyk_rows_to_rgbx(rows[0], (size_t)got * cinfo->output_width, dec->info.adobe_inverted);
                }
                dec->info.rows_decoded = cinfo->output_scanline;
            }
            dec->phase = PHASE_FINISH;
            break;
        }
        case PHASE_FINISH:
            if (!jpeg_finish_decompress(cinfo)) return GALLERY_JPEG_NEED_MORE;
            dec->info.warnings = dec->errors.warnings;
            dec->phase = PHASE_DONE;
            release_libjpeg(dec); // frees the coefficient buffer of a progressive image at once
            return GALLERY_JPEG_DONE;
        case PHASE_DONE:
            return GALLERY_JPEG_DONE;
        case PHASE_FAILED:
            return GALLERY_JPEG_ERROR;
        }
    }
}

// MARK: - Public decoder API

gallery_jpeg_decoder *gallery_jpeg_decoder_create(const gallery_jpeg_options *options) {
    gallery_jpeg_decoder *dec = calloc(1, sizeof *dec);
    if (dec == NULL) return NULL;
    if (options != NULL) dec->options = *options;
    if (dec->options.max_memory == 0) dec->options.max_memory = SHIM_DEFAULT_MAX_MEMORY;
    dec->phase = PHASE_HEADER;

    shim_errors_init(&dec->errors);
    dec->cinfo.err = &dec->errors.pub;
    if (setjmp(dec->errors.jump)) { // jpeg_create_decompress fails only when malloc does
        free(dec);
        return NULL;
    }
    jpeg_create_decompress(&dec->cinfo);
    dec->has_cinfo = 1;
    dec->cinfo.client_data = dec;
    dec->cinfo.mem->max_memory_to_use = (long)dec->options.max_memory;

    dec->source.init_source = source_init;
    dec->source.fill_input_buffer = source_fill;
    dec->source.skip_input_data = source_skip;
    dec->source.resync_to_restart = jpeg_resync_to_restart;
    dec->source.term_source = source_term;
    dec->source.next_input_byte = NULL;
    dec->source.bytes_in_buffer = 0;
    dec->cinfo.src = &dec->source;

    if (setjmp(dec->errors.jump)) {
        gallery_jpeg_decoder_destroy(dec);
        return NULL;
    }
    jpeg_save_markers(&dec->cinfo, JPEG_APP0 + 1, 0xFFFF); // EXIF, for the orientation tag
    return dec;
}

gallery_jpeg_status gallery_jpeg_decoder_feed(gallery_jpeg_decoder *dec, const uint8_t *bytes, size_t len) {
    if (dec == NULL) return GALLERY_JPEG_ERROR;
    if (dec->phase == PHASE_FAILED) return GALLERY_JPEG_ERROR;
    if (bytes == NULL) len = 0;
    dec->info.bytes_fed += len;
    if (dec->phase == PHASE_DONE) return GALLERY_JPEG_DONE;
    if (len > 0 && !hold_input(dec, bytes, len)) {
        return fail(dec, GALLERY_JPEG_ERROR_MEMORY_LIMIT, "out of memory for the input buffer");
    }
    return decode_step(dec);
}

gallery_jpeg_status gallery_jpeg_decoder_finish(gallery_jpeg_decoder *dec) {
    if (dec == NULL) return GALLERY_JPEG_ERROR;
    switch (dec->phase) {
    case PHASE_DONE: return GALLERY_JPEG_DONE;
    case PHASE_FAILED: return GALLERY_JPEG_ERROR;
    case PHASE_FINISH:
        // Every row is decoded and only the EOI marker is missing: the pixels are complete, so accept.
        dec->info.warnings = dec->errors.warnings;
        dec->phase = PHASE_DONE;
        release_libjpeg(dec);
        return GALLERY_JPEG_DONE;
    default:
        break;
    }
    dec->at_end = 1;
    gallery_jpeg_status status;
    do {
        status = decode_step(dec);
    } while (status == GALLERY_JPEG_HEADER_READY);
    if (status == GALLERY_JPEG_ROWS_READY) return status;
    if (status == GALLERY_JPEG_NEED_MORE) { // cannot happen: at end, source_fill fails instead of suspending
        fail_truncated(dec);
        char message[sizeof dec->errors.message];
        memcpy(message, dec->errors.message, sizeof message);
        return fail(dec, GALLERY_JPEG_ERROR_TRUNCATED, message);
    }
    return status;
}

int gallery_jpeg_decoder_info(const gallery_jpeg_decoder *dec, gallery_jpeg_info *info) {
    if (dec == NULL) return 0;
    *info = dec->info;
    info->bytes_held = dec->source.bytes_in_buffer;
    info->warnings = dec->errors.warnings;
    return dec->header_read;
}

const uint8_t *gallery_jpeg_decoder_pixels(const gallery_jpeg_decoder *dec, size_t *byte_count) {
    if (dec == NULL || dec->pixels == NULL) {
        if (byte_count != NULL) *byte_count = 0;
        return NULL;
    }
    if (byte_count != NULL) *byte_count = dec->pixels_size;
    return dec->pixels;
}

const uint8_t *gallery_jpeg_decoder_band(const gallery_jpeg_decoder *dec, uint32_t *first_row,
                                         uint32_t *row_count) {
    *first_row = 0;
    *row_count = 0;
    if (dec == NULL || dec->pixels == NULL) return NULL;
    size_t stride = (size_t)dec->info.output_width * 4;
    *first_row = dec->band_first;
    *row_count = dec->info.rows_decoded - dec->band_first;
    return dec->band_capacity > 0 ? dec->pixels : dec->pixels + (size_t)dec->band_first * stride;
}

void gallery_jpeg_decoder_release_band(gallery_jpeg_decoder *dec) {
    if (dec == NULL || dec->pixels == NULL) return;
    dec->band_first = dec->info.rows_decoded;
}

gallery_jpeg_error_kind gallery_jpeg_decoder_error_kind(const gallery_jpeg_decoder *dec) {
    return dec != NULL && dec->phase == PHASE_FAILED ? dec->errors.kind : GALLERY_JPEG_ERROR_NONE;
}

const char *gallery_jpeg_decoder_error_message(const gallery_jpeg_decoder *dec) {
    return dec != NULL && dec->phase == PHASE_FAILED ? dec->errors.message : "";
}

void gallery_jpeg_decoder_destroy(gallery_jpeg_decoder *dec) {
    if (dec == NULL) return;
    release_libjpeg(dec);
    free(dec->pixels);
    free(dec);
}
