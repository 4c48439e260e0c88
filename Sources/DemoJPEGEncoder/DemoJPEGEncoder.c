// The row-streaming encoder behind DemoJPEGEncoder.h.

#include "DemoJPEGEncoder.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// jpeglib.h needs FILE and size_t first (stdio.h above).
#include <jpeglib.h>

// MARK: - Errors

/// libjpeg's error manager plus our jump target. `pub` must stay first: libjpeg hands us `cinfo->err`.
typedef struct encoder_errors {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX + 64];
} encoder_errors;

/// Replaces libjpeg's default, which prints and calls exit(): the message is kept for the caller.
static void encoder_error_exit(j_common_ptr cinfo) {
    encoder_errors *errors = (encoder_errors *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, errors->message);
    longjmp(errors->jump, 1);
}

/// The compressor's warnings and traces say nothing about the file we write; none is printed.
static void encoder_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void encoder_errors_init(encoder_errors *errors) {
    jpeg_std_error(&errors->pub);
    errors->pub.error_exit = encoder_error_exit;
    errors->pub.output_message = encoder_output_message;
    errors->message[0] = '\0';
}

struct demo_jpeg_encoder {
    struct jpeg_compress_struct cinfo;
    encoder_errors errors;
    FILE *file;
    int has_cinfo;
    int failed;
    size_t bytes_per_pixel;
};

static void encoder_fail(demo_jpeg_encoder *enc) {
    enc->failed = 1;
    if (enc->has_cinfo) {
        jpeg_destroy_compress(&enc->cinfo);
        enc->has_cinfo = 0;
    }
}

/// An EXIF APP1 payload holding only IFD0 with the Orientation tag. Odd orientations are written
/// little-endian ("II") and even ones big-endian ("MM"), so the fixtures exercise both byte orders.
static size_t exif_payload(uint8_t out[32], int orientation) {
    int little = orientation % 2 == 1;
    static const uint8_t be[] = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
                                 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t le[] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
                                 0x12, 0x01, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(out, little ? le : be, 32);
    if (little) {
        out[24] = (uint8_t)orientation;
    } else {
        out[25] = (uint8_t)orientation;
    }
    return 32;
}

demo_jpeg_encoder *demo_jpeg_encoder_begin(const char *path, const demo_jpeg_encode_options *o,
                                                 char *error, size_t error_len) {
    demo_jpeg_encoder *enc = calloc(1, sizeof *enc);
    if (enc == NULL) {
        snprintf(error, error_len, "out of memory");
        return NULL;
    }
    enc->file = fopen(path, "wb");
    if (enc->file == NULL) {
        snprintf(error, error_len, "cannot open %s for writing", path);
        free(enc);
        return NULL;
    }
    encoder_errors_init(&enc->errors);
    enc->cinfo.err = &enc->errors.pub;
    if (setjmp(enc->errors.jump)) {
        snprintf(error, error_len, "%s", enc->errors.message);
        demo_jpeg_encoder_destroy(enc);
        return NULL;
    }
    struct jpeg_compress_struct *cinfo = &enc->cinfo;
    jpeg_create_compress(cinfo);
    enc->has_cinfo = 1;
    jpeg_stdio_dest(cinfo, enc->file);
    cinfo->image_width = o->width;
    cinfo->image_height = o->height;
    switch (o->input) {
    case DEMO_JPEG_INPUT_GRAY:
        cinfo->input_components = 1;
        cinfo->in_color_space = JCS_GRAYSCALE;
        break;
    case DEMO_JPEG_INPUT_CMYK:
    case DEMO_JPEG_INPUT_ADOBE_INVERTED_CMYK:
        cinfo->input_components = 4;
        cinfo->in_color_space = JCS_CMYK;
        break;
    default:
        cinfo->input_components = 3;
        cinfo->in_color_space = JCS_RGB;
        break;
    }
    enc->bytes_per_pixel = (size_t)cinfo->input_components;
    jpeg_set_defaults(cinfo);
    if (o->input == DEMO_JPEG_INPUT_CMYK) {
        jpeg_set_colorspace(cinfo, JCS_CMYK);
        cinfo->write_Adobe_marker = FALSE;
    } else if (o->input == DEMO_JPEG_INPUT_ADOBE_INVERTED_CMYK) {
        jpeg_set_colorspace(cinfo, JCS_YCCK); // writes the Adobe marker (transform 2)
    }
    jpeg_set_quality(cinfo, o->quality, TRUE);
    if (o->input == DEMO_JPEG_INPUT_RGB || o->input == DEMO_JPEG_INPUT_ADOBE_INVERTED_CMYK) {
        int h = o->subsampling == DEMO_JPEG_SUBSAMPLING_444 ? 1 : 2;
        int v = o->subsampling == DEMO_JPEG_SUBSAMPLING_420 ? 2 : 1;
        for (int c = 0; c < cinfo->num_components; c++) {
            int luma = c == 0 || c == 3;
            cinfo->comp_info[c].h_samp_factor = luma ? h : 1;
            cinfo->comp_info[c].v_samp_factor = luma ? v : 1;
        }
    }
    if (o->progressive) jpeg_simple_progression(cinfo);
    cinfo->arith_code = o->arithmetic ? TRUE : FALSE;
    cinfo->optimize_coding = o->optimize_coding && !o->arithmetic ? TRUE : FALSE;
    cinfo->restart_in_rows = o->restart_rows;
    cinfo->dct_method = o->fast_dct ? JDCT_IFAST : JDCT_ISLOW;
    if (o->exif_orientation >= 1 && o->exif_orientation <= 8) cinfo->write_JFIF_header = FALSE;
    jpeg_start_compress(cinfo, TRUE);
    if (o->exif_orientation >= 1 && o->exif_orientation <= 8) {
        uint8_t exif[32];
        size_t n = exif_payload(exif, o->exif_orientation);
        jpeg_write_marker(cinfo, JPEG_APP0 + 1, exif, (unsigned)n);
    }
    return enc;
}

int demo_jpeg_encoder_write_rows(demo_jpeg_encoder *enc, const uint8_t *rows, uint32_t count) {
    if (enc == NULL || enc->failed) return -1;
    if (setjmp(enc->errors.jump)) {
        encoder_fail(enc);
        return -1;
    }
    size_t stride = (size_t)enc->cinfo.image_width * enc->bytes_per_pixel;
    uint32_t done = 0;
    while (done < count) {
        JSAMPROW pointers[32];
        uint32_t n = count - done > 32 ? 32 : count - done;
        for (uint32_t i = 0; i < n; i++) pointers[i] = (JSAMPROW)(rows + (size_t)(done + i) * stride);
        JDIMENSION written = jpeg_write_scanlines(&enc->cinfo, pointers, n);
        if (written == 0) {
            snprintf(enc->errors.message, sizeof enc->errors.message, "too many rows written");
            encoder_fail(enc);
            return -1;
        }
        done += written;
    }
    return 0;
}

int demo_jpeg_encoder_end(demo_jpeg_encoder *enc) {
    if (enc == NULL || enc->failed) return -1;
    if (setjmp(enc->errors.jump)) {
        encoder_fail(enc);
        return -1;
    }
    if (enc->cinfo.next_scanline < enc->cinfo.image_height) {
        snprintf(enc->errors.message, sizeof enc->errors.message, "only %u of %u rows written",
                 enc->cinfo.next_scanline, enc->cinfo.image_height);
        encoder_fail(enc);
        return -1;
    }
    jpeg_finish_compress(&enc->cinfo);
    jpeg_destroy_compress(&enc->cinfo);
    enc->has_cinfo = 0;
    FILE *file = enc->file;
    enc->file = NULL;
    if (fclose(file) != 0) {
        snprintf(enc->errors.message, sizeof enc->errors.message, "cannot write the file (disk full?)");
        enc->failed = 1;
        return -1;
    }
    return 0;
}

const char *demo_jpeg_encoder_error_message(const demo_jpeg_encoder *enc) {
    return enc != NULL ? enc->errors.message : "";
}

void demo_jpeg_encoder_destroy(demo_jpeg_encoder *enc) {
    if (enc == NULL) return;
    if (enc->has_cinfo) jpeg_destroy_compress(&enc->cinfo);
    if (enc->file != NULL) fclose(enc->file);
    free(enc);
}
