// The incremental decoder behind WebPShim.h.

#include "WebPShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>

/// Header bytes held while WebPGetFeatures still wants more: far beyond any real header (VP8X plus chunk headers).
#define MAX_HEAD (1u << 16)
/// EXIF beyond this is not read (the orientation tag sits at the start of IFD0).
#define MAX_EXIF (1u << 16)
#define DEFAULT_MAX_HELD (32ull << 20)

struct gallery_webp_decoder {
    gallery_webp_options options;
    gallery_webp_info out;
    int header_read, started, done, failed;
    gallery_webp_error_kind kind;
    char message[160];
    /// Every byte before start(), handed to libwebp then.
    uint8_t *head;
    size_t head_length, head_capacity;
    WebPDecoderConfig config;
    WebPIDecoder *idec;
    /// The output rows (ours, so their stride is known): output_width × output_height × 4.
    uint8_t *pixels;
    uint32_t rows_taken;
    // The RIFF walker: where it is in the file and in the current chunk.
    uint64_t position;
    uint8_t chunk_header[8];
    uint32_t header_fill;
    uint64_t chunk_left, chunk_size;
    char fourcc[4];
    int in_chunk;
    uint8_t *exif;
    /// What `exif` holds and what it was allocated for: only the first EXIF chunk is kept, and a later one must
    /// never write past the first one's allocation.
    size_t exif_length, exif_capacity;
    /// An animation's first ANMF payload, held whole.
    uint8_t *frame;
    size_t frame_length, frame_size;
    int frames_seen, frame_complete;
};

static gallery_webp_status fail(gallery_webp_decoder *dec, gallery_webp_error_kind kind, const char *message) {
    dec->failed = 1;
    dec->kind = kind;
    snprintf(dec->message, sizeof dec->message, "%s", message);
    return GALLERY_WEBP_ERROR;
}

static gallery_webp_status fail_status(gallery_webp_decoder *dec, VP8StatusCode status) {
    switch (status) {
    case VP8_STATUS_OUT_OF_MEMORY: return fail(dec, GALLERY_WEBP_ERROR_MEMORY_LIMIT, "out of memory");
    case VP8_STATUS_UNSUPPORTED_FEATURE: return fail(dec, GALLERY_WEBP_ERROR_UNSUPPORTED, "unsupported feature");
    case VP8_STATUS_NOT_ENOUGH_DATA: return fail(dec, GALLERY_WEBP_ERROR_TRUNCATED, "not enough data");
    case VP8_STATUS_INVALID_PARAM: return fail(dec, GALLERY_WEBP_ERROR_CORRUPT, "invalid parameter");
    default: return fail(dec, GALLERY_WEBP_ERROR_CORRUPT, "bitstream error");
    }
}

static uint32_t u24(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16; }

// MARK: - RIFF walker

static void chunk_begins(gallery_webp_decoder *dec) {
    if (memcmp(dec->fourcc, "EXIF", 4) == 0 && dec->exif == NULL) {
        size_t size = dec->chunk_size < MAX_EXIF ? (size_t)dec->chunk_size : MAX_EXIF;
        dec->exif = malloc(size > 0 ? size : 1);
        dec->exif_capacity = dec->exif != NULL ? size : 0;
    } else if (memcmp(dec->fourcc, "ANMF", 4) == 0 && dec->frames_seen++ == 0) {
        uint64_t limit = dec->options.max_held > 0 ? dec->options.max_held : DEFAULT_MAX_HELD;
        if (dec->chunk_size > limit) {
            char message[128];
            snprintf(message, sizeof message, "first frame of %llu bytes, over the %llu an animation may hold",
                     (unsigned long long)dec->chunk_size, (unsigned long long)limit);
            fail(dec, GALLERY_WEBP_ERROR_MEMORY_LIMIT, message);
            return;
        }
        dec->frame_size = (size_t)dec->chunk_size;
        dec->frame = malloc(dec->frame_size > 0 ? dec->frame_size : 1);
        if (dec->frame == NULL) fail(dec, GALLERY_WEBP_ERROR_MEMORY_LIMIT, "out of memory for the first frame");
    }
}

/// Payload bytes of the current chunk: EXIF and the first ANMF are kept, the rest only counted.
static void chunk_bytes(gallery_webp_decoder *dec, const uint8_t *bytes, size_t len) {
    uint64_t offset = dec->chunk_size + (dec->chunk_size & 1) - dec->chunk_left;
    if (memcmp(dec->fourcc, "EXIF", 4) == 0 && dec->exif != NULL && dec->exif_length == offset) {
        size_t room = dec->exif_capacity - dec->exif_length;
        size_t wanted = offset < dec->chunk_size ? (size_t)(dec->chunk_size - offset) : 0;
        size_t n = len < room ? len : room;
        if (n > wanted) n = wanted;
        memcpy(dec->exif + dec->exif_length, bytes, n);
        dec->exif_length += n;
    } else if (memcmp(dec->fourcc, "ANMF", 4) == 0 && dec->frames_seen == 1 && dec->frame != NULL &&
               !dec->frame_complete) {
        size_t n = dec->frame_size - dec->frame_length < len ? dec->frame_size - dec->frame_length : len;
        memcpy(dec->frame + dec->frame_length, bytes, n);
        dec->frame_length += n;
        if (dec->frame_length == dec->frame_size) dec->frame_complete = 1;
    }
}

static void walk(gallery_webp_decoder *dec, const uint8_t *bytes, size_t len) {
    while (len > 0 && !dec->failed) {
        if (dec->position < 12) { // "RIFF", size, "WEBP": checked by the sniffer and libwebp
            size_t n = 12 - dec->position < len ? (size_t)(12 - dec->position) : len;
            dec->position += n, bytes += n, len -= n;
        } else if (!dec->in_chunk) {
            dec->chunk_header[dec->header_fill++] = *bytes;
            dec->position++, bytes++, len--;
            if (dec->header_fill < 8) continue;
            memcpy(dec->fourcc, dec->chunk_header, 4);
            dec->chunk_size = dec->chunk_header[4] | (uint32_t)dec->chunk_header[5] << 8 |
                              (uint32_t)dec->chunk_header[6] << 16 | (uint32_t)dec->chunk_header[7] << 24;
            dec->chunk_left = dec->chunk_size + (dec->chunk_size & 1);
            dec->header_fill = 0;
            dec->in_chunk = dec->chunk_left > 0;
            chunk_begins(dec);
        } else {
            size_t n = dec->chunk_left < len ? (size_t)dec->chunk_left : len;
            chunk_bytes(dec, bytes, n);
            dec->chunk_left -= n, dec->position += n, bytes += n, len -= n;
            if (dec->chunk_left == 0) dec->in_chunk = 0;
        }
    }
}

// MARK: - Decoding

static int hold(gallery_webp_decoder *dec, const uint8_t *bytes, size_t len) {
    if (dec->head_length + len > dec->head_capacity) {
        size_t capacity = (dec->head_length + len) * 2;
        uint8_t *head = realloc(dec->head, capacity);
        if (head == NULL) return 0;
        dec->head = head;
        dec->head_capacity = capacity;
    }
    memcpy(dec->head + dec->head_length, bytes, len);
    dec->head_length += len;
    return 1;
}

static gallery_webp_status read_header(gallery_webp_decoder *dec) {
    WebPBitstreamFeatures features;
    VP8StatusCode status = WebPGetFeatures(dec->head, dec->head_length, &features);
    if (status == VP8_STATUS_NOT_ENOUGH_DATA) {
        if (dec->head_length > MAX_HEAD) return fail(dec, GALLERY_WEBP_ERROR_CORRUPT, "no image header");
        return GALLERY_WEBP_NEED_MORE;
    }
    if (status != VP8_STATUS_OK) return fail_status(dec, status);
    dec->out.width = (uint32_t)features.width;
    dec->out.height = (uint32_t)features.height;
    dec->out.has_alpha = features.has_alpha;
    dec->out.animated = features.has_animation;
    dec->out.lossless = features.format == 2;
    dec->header_read = 1;
    uint64_t pixels = (uint64_t)dec->out.width * dec->out.height;
    if (pixels == 0 || (dec->options.max_pixels > 0 && pixels > dec->options.max_pixels)) {
        return fail(dec, GALLERY_WEBP_ERROR_TOO_LARGE, "image too large");
    }
    return GALLERY_WEBP_HEADER_READY;
}

/// Decodes the held first frame, scaled as the canvas is, into its place on a transparent canvas.
///
/// The ANIM chunk's background colour is not used: the container spec makes it a hint viewers need not follow,
/// and browsers and libwebp's own WebPAnimDecoder start the canvas transparent, so the page (here the
/// checkerboard) shows around the frame and through it. The frame's blend bit makes no difference over an empty
/// canvas, and its dispose method applies only once it has been shown, so neither is read.
static gallery_webp_status decode_first_frame(gallery_webp_decoder *dec) {
    if (dec->frame_length < 16) return fail(dec, GALLERY_WEBP_ERROR_CORRUPT, "frame header too short");
    uint64_t cw = dec->out.width, ch = dec->out.height, ow = dec->out.output_width, oh = dec->out.output_height;
    uint64_t fx = 2ull * u24(dec->frame), fy = 2ull * u24(dec->frame + 3);
    uint64_t fw = 1ull + u24(dec->frame + 6), fh = 1ull + u24(dec->frame + 9);
    if (fx + fw > cw || fy + fh > ch) return fail(dec, GALLERY_WEBP_ERROR_CORRUPT, "frame outside the canvas");
    uint32_t x = (uint32_t)(fx * ow / cw), y = (uint32_t)(fy * oh / ch);
    uint32_t w = (uint32_t)(fw * ow / cw), h = (uint32_t)(fh * oh / ch);
    if (w == 0) w = 1;
    if (h == 0) h = 1;
    if (x + w > ow) w = (uint32_t)ow - x;
    if (y + h > oh) h = (uint32_t)oh - y;
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) return fail(dec, GALLERY_WEBP_ERROR_CORRUPT, "libwebp version mismatch");
    config.output.colorspace = MODE_RGBA;
    config.options.use_scaling = w != fw || h != fh;
    config.options.scaled_width = (int)w;
    config.options.scaled_height = (int)h;
    VP8StatusCode status = WebPDecode(dec->frame + 16, dec->frame_length - 16, &config);
    if (status != VP8_STATUS_OK) return fail_status(dec, status);
    for (uint32_t row = 0; row < h && row < (uint32_t)config.output.height; row++) {
        memcpy(dec->pixels + ((size_t)(y + row) * ow + x) * 4,
               config.output.u.RGBA.rgba + (size_t)row * config.output.u.RGBA.stride, (size_t)w * 4);
    }
    WebPFreeDecBuffer(&config.output);
    free(dec->frame);
    dec->frame = NULL;
    dec->out.rows_decoded = (uint32_t)oh;
    dec->done = 1;
    return GALLERY_WEBP_DONE;
}

static gallery_webp_status append(gallery_webp_decoder *dec, const uint8_t *bytes, size_t len) {
    if (dec->out.animated) return dec->frame_complete ? decode_first_frame(dec) : GALLERY_WEBP_NEED_MORE;
    VP8StatusCode status = len > 0 ? WebPIAppend(dec->idec, bytes, len) : VP8_STATUS_SUSPENDED;
    int last_y = 0;
    if (WebPIDecGetRGB(dec->idec, &last_y, NULL, NULL, NULL) != NULL && last_y > 0) {
        dec->out.rows_decoded = (uint32_t)last_y;
    }
    if (status == VP8_STATUS_OK) {
        dec->out.rows_decoded = dec->out.output_height;
        dec->done = 1;
        WebPIDelete(dec->idec); // frees the held input and libwebp's buffers now
        dec->idec = NULL;
        return GALLERY_WEBP_DONE;
    }
    if (status != VP8_STATUS_SUSPENDED) return fail_status(dec, status);
    return GALLERY_WEBP_NEED_MORE;
}

// MARK: - Public API

gallery_webp_decoder *gallery_webp_decoder_create(const gallery_webp_options *options) {
    gallery_webp_decoder *dec = calloc(1, sizeof *dec);
    if (dec == NULL) return NULL;
    if (options != NULL) dec->options = *options;
    return dec;
}

gallery_webp_status gallery_webp_decoder_feed(gallery_webp_decoder *dec, const uint8_t *bytes, size_t len) {
    if (dec == NULL || dec->failed) return GALLERY_WEBP_ERROR;
    if (bytes == NULL) len = 0;
    dec->out.bytes_fed += len;
    walk(dec, bytes, len);
    if (dec->failed) return GALLERY_WEBP_ERROR;
    if (dec->done) return GALLERY_WEBP_DONE;
    if (!dec->started) {
        if (len > 0 && !hold(dec, bytes, len)) {
            return fail(dec, GALLERY_WEBP_ERROR_MEMORY_LIMIT, "out of memory for the header");
        }
        return dec->header_read ? GALLERY_WEBP_NEED_MORE : read_header(dec);
    }
    return append(dec, bytes, len);
}

int gallery_webp_decoder_start(gallery_webp_decoder *dec, uint32_t width, uint32_t height) {
    if (dec == NULL || !dec->header_read || dec->started || dec->failed) return -1;
    if (width == 0 || height == 0 || width > dec->out.width || height > dec->out.height) return -1;
    dec->out.output_width = width;
    dec->out.output_height = height;
    dec->pixels = calloc((size_t)width * height, 4);
    if (dec->pixels == NULL) return -1;
    dec->started = 1;
    if (!dec->out.animated) {
        if (!WebPInitDecoderConfig(&dec->config)) return -1;
        dec->config.output.colorspace = MODE_RGBA;
        dec->config.output.is_external_memory = 1;
        dec->config.output.u.RGBA.rgba = dec->pixels;
        dec->config.output.u.RGBA.stride = (int)width * 4;
        dec->config.output.u.RGBA.size = (size_t)width * height * 4;
        dec->config.options.use_scaling = width != dec->out.width || height != dec->out.height;
        dec->config.options.scaled_width = (int)width;
        dec->config.options.scaled_height = (int)height;
        dec->idec = WebPIDecode(NULL, 0, &dec->config);
        if (dec->idec == NULL) return -1;
    }
    gallery_webp_status status = append(dec, dec->head, dec->head_length);
    free(dec->head);
    dec->head = NULL;
    dec->head_length = dec->head_capacity = 0;
    return status == GALLERY_WEBP_ERROR ? -1 : 0;
}

gallery_webp_status gallery_webp_decoder_finish(gallery_webp_decoder *dec) {
    if (dec == NULL || dec->failed) return GALLERY_WEBP_ERROR;
    if (dec->done) return GALLERY_WEBP_DONE;
    return fail(dec, GALLERY_WEBP_ERROR_TRUNCATED, "input ended");
}

int gallery_webp_decoder_info(const gallery_webp_decoder *dec, gallery_webp_info *info) {
    if (dec == NULL) return 0;
    *info = dec->out;
    return dec->header_read;
}

const uint8_t *gallery_webp_decoder_rows(const gallery_webp_decoder *dec, uint32_t *first_row, uint32_t *row_count) {
    *first_row = 0;
    *row_count = 0;
    if (dec == NULL || dec->pixels == NULL) return NULL;
    *first_row = dec->rows_taken;
    *row_count = dec->out.rows_decoded > dec->rows_taken ? dec->out.rows_decoded - dec->rows_taken : 0;
    return dec->pixels + (size_t)dec->rows_taken * dec->out.output_width * 4;
}

void gallery_webp_decoder_release_rows(gallery_webp_decoder *dec) {
    if (dec != NULL && dec->out.rows_decoded > dec->rows_taken) dec->rows_taken = dec->out.rows_decoded;
}

const uint8_t *gallery_webp_decoder_exif(const gallery_webp_decoder *dec, size_t *length) {
    *length = dec != NULL && dec->exif != NULL ? dec->exif_length : 0;
    return *length > 0 ? dec->exif : NULL;
}

gallery_webp_error_kind gallery_webp_decoder_error_kind(const gallery_webp_decoder *dec) {
    return dec != NULL && dec->failed ? dec->kind : GALLERY_WEBP_ERROR_NONE;
}

const char *gallery_webp_decoder_error_message(const gallery_webp_decoder *dec) {
    return dec != NULL && dec->failed ? dec->message : "";
}

void gallery_webp_decoder_destroy(gallery_webp_decoder *dec) {
    if (dec == NULL) return;
    if (dec->idec != NULL) WebPIDelete(dec->idec);
    free(dec->head);
    free(dec->pixels);
    free(dec->exif);
    free(dec->frame);
    free(dec);
}
