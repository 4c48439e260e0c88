// The first-frame decoder behind GIFShim.h.

#include "GIFShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>

#define BAND_ROWS 16
#define DEFAULT_MAX_HELD (32ull << 20)

typedef enum scan_phase { SCAN_HEADER, SCAN_BLOCKS, SCAN_SUB_BLOCKS, SCAN_FRAME_COMPLETE } scan_phase;

struct gallery_gif_decoder {
    gallery_gif_options options;
    gallery_gif_info out;
    int failed, done;
    gallery_gif_error_kind kind;
    char message[160];
    /// Everything up to the end of the first frame's data.
    uint8_t *held;
    size_t held_length, held_capacity;
    // The scanner: where the next unread block or sub-block starts, and what it is inside.
    scan_phase phase;
    size_t scan_at;
    int in_image;
    // giflib, once the frame is complete.
    GifFileType *gif;
    size_t read_at;
    int transparent;
    uint32_t frame_left, frame_top, frame_width, frame_height;
    int interlaced;
    uint32_t frame_rows_done, outside_done;
    GifPixelType *line;
    uint8_t *band;
    uint32_t band_y[BAND_ROWS];
    uint32_t band_count;
};

static gallery_gif_status fail(gallery_gif_decoder *dec, gallery_gif_error_kind kind, const char *message) {
    dec->failed = 1;
    dec->kind = kind;
    snprintf(dec->message, sizeof dec->message, "%s", message);
    return GALLERY_GIF_ERROR;
}

static gallery_gif_status fail_gif(gallery_gif_decoder *dec, int code) {
    const char *message = GifErrorString(code);
    return fail(dec, GALLERY_GIF_ERROR_CORRUPT, message != NULL ? message : "unreadable data");
}

static uint32_t u16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }

static size_t colour_table_bytes(uint8_t flags) { return flags & 0x80 ? (size_t)3 << ((flags & 7) + 1) : 0; }

static int too_large(gallery_gif_decoder *dec, uint64_t width, uint64_t height) {
    return dec->options.max_pixels > 0 && width * height > dec->options.max_pixels;
}

// MARK: - Scanner

/// Walks the held bytes from the last block boundary. Returns 1 once the first image's data has ended, 0 when it
/// needs more, -1 on a structure error.
static int scan(gallery_gif_decoder *dec) {
    const uint8_t *b = dec->held;
    size_t n = dec->held_length;
    size_t p = dec->scan_at;
    if (dec->phase == SCAN_HEADER) {
        if (n < 13) return 0;
        if (memcmp(b, "GIF87a", 6) != 0 && memcmp(b, "GIF89a", 6) != 0) {
            fail(dec, GALLERY_GIF_ERROR_CORRUPT, "not a GIF header");
            return -1;
        }
        dec->out.width = u16(b + 6);
        dec->out.height = u16(b + 8);
        if (too_large(dec, dec->out.width, dec->out.height)) {
            fail(dec, GALLERY_GIF_ERROR_TOO_LARGE, "canvas too large");
            return -1;
        }
        dec->scan_at = 13 + colour_table_bytes(b[10]);
        dec->phase = SCAN_BLOCKS;
        p = dec->scan_at;
    }
    while (dec->phase != SCAN_FRAME_COMPLETE) {
        if (p >= n) return 0;
        if (dec->phase == SCAN_SUB_BLOCKS) {
            size_t size = b[p];
            if (p + 1 + size > n) return 0;
            p += 1 + size;
            dec->scan_at = p;
            if (size == 0) dec->phase = dec->in_image ? SCAN_FRAME_COMPLETE : SCAN_BLOCKS;
        } else if (b[p] == 0x21) { // extension: introducer, label, then sub-blocks
            if (p + 2 > n) return 0;
            p += 2;
            dec->scan_at = p;
            dec->phase = SCAN_SUB_BLOCKS;
        } else if (b[p] == 0x2C) { // image descriptor, local colour table, LZW code size, then sub-blocks
            if (p + 10 > n) return 0;
            if (too_large(dec, u16(b + p + 5), u16(b + p + 7))) {
                fail(dec, GALLERY_GIF_ERROR_TOO_LARGE, "frame too large");
                return -1;
            }
            size_t next = p + 10 + colour_table_bytes(b[p + 9]) + 1;
            if (next > n) return 0;
            p = dec->scan_at = next;
            dec->in_image = 1;
            dec->phase = SCAN_SUB_BLOCKS;
        } else {
            fail(dec, GALLERY_GIF_ERROR_CORRUPT, b[p] == 0x3B ? "no image before the trailer" : "unknown block");
            return -1;
        }
    }
    return 1;
}

// MARK: - giflib

static int read_held(GifFileType *gif, GifByteType *into, int wanted) {
    gallery_gif_decoder *dec = gif->UserData;
    size_t left = dec->scan_at - dec->read_at; // nothing past the first frame's data
    size_t n = wanted < 0 ? 0 : (size_t)wanted < left ? (size_t)wanted : left;
    memcpy(into, dec->held + dec->read_at, n);
    dec->read_at += n;
    return (int)n;
}

/// Opens giflib over the held bytes and reads up to the first image descriptor, noting its transparency.
static gallery_gif_status open_frame(gallery_gif_decoder *dec) {
    int error = 0;
    dec->transparent = -1;
    dec->gif = DGifOpen(dec, read_held, &error);
    if (dec->gif == NULL) return fail_gif(dec, error);
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(dec->gif, &type) == GIF_ERROR) return fail_gif(dec, dec->gif->Error);
        if (type == IMAGE_DESC_RECORD_TYPE) break;
        if (type != EXTENSION_RECORD_TYPE) return fail(dec, GALLERY_GIF_ERROR_CORRUPT, "no image");
        int code = 0;
        GifByteType *extension = NULL;
        if (DGifGetExtension(dec->gif, &code, &extension) == GIF_ERROR) return fail_gif(dec, dec->gif->Error);
        if (code == GRAPHICS_EXT_FUNC_CODE && extension != NULL) {
            GraphicsControlBlock control;
            if (DGifExtensionToGCB(extension[0], extension + 1, &control) == GIF_OK) {
                dec->transparent = control.TransparentColor;
            }
        }
        while (extension != NULL) {
            if (DGifGetExtensionNext(dec->gif, &extension) == GIF_ERROR) return fail_gif(dec, dec->gif->Error);
        }
    }
    if (DGifGetImageDesc(dec->gif) == GIF_ERROR) return fail_gif(dec, dec->gif->Error);
    GifImageDesc *image = &dec->gif->Image;
    if (image->Width <= 0 || image->Height <= 0) return fail(dec, GALLERY_GIF_ERROR_CORRUPT, "empty frame");
    dec->frame_left = (uint32_t)image->Left;
    dec->frame_top = (uint32_t)image->Top;
    dec->frame_width = (uint32_t)image->Width;
    dec->frame_height = (uint32_t)image->Height;
    dec->interlaced = image->Interlace;
    if (dec->out.width == 0 || dec->out.height == 0) { // no canvas size: the frame's own
        dec->out.width = dec->frame_left + dec->frame_width;
        dec->out.height = dec->frame_top + dec->frame_height;
    }
    // Canvas the frame does not cover is transparent too.
    dec->out.has_transparency = dec->transparent >= 0 || dec->frame_left > 0 || dec->frame_top > 0 ||
                                dec->frame_left + dec->frame_width < dec->out.width ||
                                dec->frame_top + dec->frame_height < dec->out.height;
    dec->line = malloc(dec->frame_width);
    dec->band = malloc((size_t)dec->out.width * 4 * BAND_ROWS);
    if (dec->line == NULL || dec->band == NULL) return fail(dec, GALLERY_GIF_ERROR_MEMORY_LIMIT, "out of memory");
    return GALLERY_GIF_NEED_MORE;
}

/// The canvas row the i-th stored row of the frame belongs to (interlaced: rows 0, 8, 16, ..., then 4, 12, ...).
static uint32_t frame_row_y(const gallery_gif_decoder *dec, uint32_t i) {
    if (!dec->interlaced) return dec->frame_top + i;
    static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    uint32_t h = dec->frame_height;
    for (int pass = 0; pass < 4; pass++) {
        uint32_t rows = h > start[pass] ? (h - start[pass] + step[pass] - 1) / step[pass] : 0;
        if (i < rows) return dec->frame_top + start[pass] + i * step[pass];
        i -= rows;
    }
    return dec->frame_top; // not reached: i < frame_height
}

/// Decodes frame rows (then fills the canvas rows the frame does not cover) into the band until it is full.
static gallery_gif_status fill_band(gallery_gif_decoder *dec) {
    uint32_t width = dec->out.width, height = dec->out.height;
    const ColorMapObject *map = dec->gif->Image.ColorMap != NULL ? dec->gif->Image.ColorMap : dec->gif->SColorMap;
    while (dec->band_count < BAND_ROWS) {
        uint8_t *row = dec->band + (size_t)dec->band_count * width * 4;
        memset(row, 0, (size_t)width * 4);
        if (dec->frame_rows_done < dec->frame_height) {
            if (DGifGetLine(dec->gif, dec->line, (int)dec->frame_width) == GIF_ERROR) {
                return fail_gif(dec, dec->gif->Error);
            }
            uint32_t y = frame_row_y(dec, dec->frame_rows_done++);
            if (y >= height) continue;
            for (uint32_t x = 0; x < dec->frame_width && dec->frame_left + x < width; x++) {
                uint8_t *pixel = row + (size_t)(dec->frame_left + x) * 4;
                int index = dec->line[x];
                if (index == dec->transparent) continue;
                pixel[3] = 255; // an index past the colour table draws black, as browsers do
                if (map != NULL && index < map->ColorCount) {
                    pixel[0] = map->Colors[index].Red;
                    pixel[1] = map->Colors[index].Green;
                    pixel[2] = map->Colors[index].Blue;
                }
            }
            dec->band_y[dec->band_count++] = y;
        } else {
            uint32_t bottom = dec->frame_top + dec->frame_height;
            uint32_t above = dec->frame_top < height ? dec->frame_top : height;
            uint32_t y = dec->outside_done < above ? dec->outside_done : bottom + (dec->outside_done - above);
            if (y >= height) break;
            dec->outside_done++;
            dec->band_y[dec->band_count++] = y;
        }
        dec->out.rows_delivered++;
    }
    if (dec->out.rows_delivered < height) return GALLERY_GIF_ROWS_READY;
    dec->done = 1;
    int error = 0;
    DGifCloseFile(dec->gif, &error);
    dec->gif = NULL;
    free(dec->held);
    dec->held = NULL;
    dec->held_length = dec->held_capacity = 0;
    return dec->band_count > 0 ? GALLERY_GIF_ROWS_READY : GALLERY_GIF_DONE;
}

// MARK: - Public API

gallery_gif_decoder *gallery_gif_decoder_create(const gallery_gif_options *options) {
    gallery_gif_decoder *dec = calloc(1, sizeof *dec);
    if (dec == NULL) return NULL;
    if (options != NULL) dec->options = *options;
    if (dec->options.max_held == 0) dec->options.max_held = DEFAULT_MAX_HELD;
    return dec;
}

static gallery_gif_status advance(gallery_gif_decoder *dec) {
    if (dec->done) return dec->band_count > 0 ? GALLERY_GIF_ROWS_READY : GALLERY_GIF_DONE;
    if (dec->gif == NULL) {
        int scanned = scan(dec);
        if (scanned < 0) return GALLERY_GIF_ERROR;
        if (scanned == 0) return GALLERY_GIF_NEED_MORE;
        if (open_frame(dec) == GALLERY_GIF_ERROR) return GALLERY_GIF_ERROR;
    }
    if (dec->band_count >= BAND_ROWS) return GALLERY_GIF_ROWS_READY;
    return fill_band(dec);
}

gallery_gif_status gallery_gif_decoder_feed(gallery_gif_decoder *dec, const uint8_t *bytes, size_t len) {
    if (dec == NULL || dec->failed) return GALLERY_GIF_ERROR;
    if (bytes == NULL) len = 0;
    dec->out.bytes_fed += len;
    if (len > 0 && !dec->done && dec->gif == NULL) {
        if (dec->held_length + len > dec->options.max_held) {
            char message[128];
            snprintf(message, sizeof message, "first frame not complete within the %llu bytes it may hold",
                     (unsigned long long)dec->options.max_held);
            return fail(dec, GALLERY_GIF_ERROR_MEMORY_LIMIT, message);
        }
        if (dec->held_length + len > dec->held_capacity) {
            size_t capacity = (dec->held_length + len) * 2;
            if (capacity > dec->options.max_held) capacity = (size_t)dec->options.max_held;
            uint8_t *held = realloc(dec->held, capacity);
            if (held == NULL) return fail(dec, GALLERY_GIF_ERROR_MEMORY_LIMIT, "out of memory for the input");
            dec->held = held;
            dec->held_capacity = capacity;
        }
        memcpy(dec->held + dec->held_length, bytes, len);
        dec->held_length += len;
    }
    return advance(dec);
}

gallery_gif_status gallery_gif_decoder_finish(gallery_gif_decoder *dec) {
    if (dec == NULL || dec->failed) return GALLERY_GIF_ERROR;
    gallery_gif_status status = advance(dec);
    if (status == GALLERY_GIF_NEED_MORE) return fail(dec, GALLERY_GIF_ERROR_TRUNCATED, "input ended");
    return status;
}

int gallery_gif_decoder_info(const gallery_gif_decoder *dec, gallery_gif_info *info) {
    if (dec == NULL) return 0;
    *info = dec->out;
    info->bytes_held = dec->held_length;
    return dec->phase != SCAN_HEADER;
}

const uint8_t *gallery_gif_decoder_band(const gallery_gif_decoder *dec, const uint32_t **rows_y,
                                        uint32_t *row_count) {
    *row_count = dec != NULL ? dec->band_count : 0;
    *rows_y = dec != NULL ? dec->band_y : NULL;
    return dec != NULL ? dec->band : NULL;
}

void gallery_gif_decoder_release_band(gallery_gif_decoder *dec) {
    if (dec != NULL) dec->band_count = 0;
}

gallery_gif_error_kind gallery_gif_decoder_error_kind(const gallery_gif_decoder *dec) {
    return dec != NULL && dec->failed ? dec->kind : GALLERY_GIF_ERROR_NONE;
}

const char *gallery_gif_decoder_error_message(const gallery_gif_decoder *dec) {
    return dec != NULL && dec->failed ? dec->message : "";
}

void gallery_gif_decoder_destroy(gallery_gif_decoder *dec) {
    if (dec == NULL) return;
    if (dec->gif != NULL) {
        int error = 0;
        DGifCloseFile(dec->gif, &error);
    }
    free(dec->held);
    free(dec->line);
    free(dec->band);
    free(dec);
}
