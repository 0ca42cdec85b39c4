#include "CJPEGDecoder.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/* libjpeg reports errors through cinfo->err. `base` must come first: libjpeg hands the
 * handlers a pointer to it, which is also a pointer to the whole struct. */
struct returning_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf escape;  /* where the handlers jump back to, in the function that called libjpeg */
    char *message;   /* the caller's JMSG_LENGTH_MAX buffer */
};

/* Replaces libjpeg's error_exit (which prints and calls exit()): keep the message, jump back. */
static void keep_message_and_return(j_common_ptr cinfo) {
    struct returning_error_manager *manager = (struct returning_error_manager *)cinfo->err;
    manager->base.format_message(cinfo, manager->message);
    longjmp(manager->escape, 1);
}

/* Replaces emit_message: warnings (level -1: corrupt data, premature end of file) are errors;
 * trace messages (level >= 0) are dropped. */
static void fail_on_warning(j_common_ptr cinfo, int level) {
    if (level < 0) keep_message_and_return(cinfo);
}

static void install_error_manager(struct returning_error_manager *manager, char *message) {
    jpeg_std_error(&manager->base);
    manager->base.error_exit = keep_message_and_return;
    manager->base.emit_message = fail_on_warning;
    manager->message = message;
    message[0] = '\0';
}

/* One row of CMYK to RGB: R = (255 − C)(255 − K)/255, and so on; inverted CMYK stores 255 − C. */
static void cmyk_row_to_rgb(const JSAMPLE *cmyk, unsigned char *rgb, JDIMENSION width, int inverted) {
    for (JDIMENSION x = 0; x < width; x++, cmyk += 4, rgb += 3) {
        int k = inverted ? cmyk[3] : 255 - cmyk[3];
        for (int channel = 0; channel < 3; channel++) {
            int ink_free = inverted ? cmyk[channel] : 255 - cmyk[channel];
            rgb[channel] = (unsigned char)((ink_free * k + 127) / 255);
        }
    }
}

int mixedbatch_jpeg_decode_rgb(const unsigned char *data, size_t size, int *width, int *height,
                               unsigned char **rgb, char *message) {
    struct jpeg_decompress_struct cinfo;
    struct returning_error_manager manager;
    /* volatile: assigned after setjmp and read after longjmp. */
    unsigned char *volatile pixels = NULL;
    *rgb = NULL;
    *width = *height = 0;
    install_error_manager(&manager, message);
    if (size == 0) {
        strcpy(message, "the file is empty");
        return MIXEDBATCH_JPEG_CORRUPT;
    }
    cinfo.err = &manager.base;
    if (setjmp(manager.escape)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return MIXEDBATCH_JPEG_CORRUPT;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if ((unsigned long)cinfo.image_width * (unsigned long)cinfo.image_height > MIXEDBATCH_JPEG_MAX_PIXELS) {
        snprintf(message, JMSG_LENGTH_MAX, "the header declares %u x %u pixels, more than the %lu this decoder accepts",
                 (unsigned)cinfo.image_width, (unsigned)cinfo.image_height, MIXEDBATCH_JPEG_MAX_PIXELS);
        jpeg_destroy_decompress(&cinfo);
        return MIXEDBATCH_JPEG_TOO_LARGE;
    }

    /* libjpeg converts grayscale, YCbCr and RGB to RGB itself; CMYK and YCCK only to CMYK. */
    int from_cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    if (!from_cmyk && cinfo.jpeg_color_space != JCS_GRAYSCALE && cinfo.jpeg_color_space != JCS_YCbCr
        && cinfo.jpeg_color_space != JCS_RGB) {
        snprintf(message, JMSG_LENGTH_MAX, "unsupported JPEG colour space %d with %d components",
                 (int)cinfo.jpeg_color_space, cinfo.num_components);
        jpeg_destroy_decompress(&cinfo);
        return MIXEDBATCH_JPEG_UNSUPPORTED;
    }
    cinfo.out_color_space = from_cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);

    size_t row_bytes = (size_t)cinfo.output_width * 3;
    pixels = malloc(row_bytes * cinfo.output_height);
    if (pixels == NULL) {
        strcpy(message, "out of memory for the decoded image");
        jpeg_destroy_decompress(&cinfo);
        return MIXEDBATCH_JPEG_OUT_OF_MEMORY;
    }
    /* CMYK rows go through a row buffer from libjpeg's pool, which jpeg_destroy frees. */
    JSAMPARRAY cmyk_row = from_cmyk
        ? (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE, cinfo.output_width * 4, 1)
        : NULL;
    while (cinfo.output_scanline < cinfo.output_height) {
        unsigned char *row = pixels + row_bytes * cinfo.output_scanline;
        if (from_cmyk) {
            jpeg_read_scanlines(&cinfo, cmyk_row, 1);
            cmyk_row_to_rgb(cmyk_row[0], row, cinfo.output_width, cinfo.saw_Adobe_marker);
        } else {
            JSAMPROW rows[1] = {row};
            jpeg_read_scanlines(&cinfo, rows, 1);
        }
    }
    jpeg_finish_decompress(&cinfo);
    *width = (int)cinfo.output_width;
    *height = (int)cinfo.output_height;
    *rgb = pixels;
    jpeg_destroy_decompress(&cinfo);
    return MIXEDBATCH_JPEG_OK;
}

void mixedbatch_jpeg_free(unsigned char *rgb) { free(rgb); }

int mixedbatch_jpeg_encode_file(const char *path, const unsigned char *pixels, int width, int height,
                                int components, int quality, char *message) {
    struct jpeg_compress_struct cinfo;
    struct returning_error_manager manager;
    FILE *volatile file = NULL;
    install_error_manager(&manager, message);
    cinfo.err = &manager.base;
    if (setjmp(manager.escape)) {
        jpeg_destroy_compress(&cinfo);
        if (file != NULL) fclose(file);
        return MIXEDBATCH_JPEG_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    J_COLOR_SPACE space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB
                        : components == 4 ? JCS_CMYK : JCS_UNKNOWN;
    if (space == JCS_UNKNOWN || width < 1 || height < 1) {
        snprintf(message, JMSG_LENGTH_MAX, "cannot encode %d x %d pixels of %d components", width, height, components);
        jpeg_destroy_compress(&cinfo);
        return MIXEDBATCH_JPEG_UNSUPPORTED;
    }
    file = fopen(path, "wb");
    if (file == NULL) {
        snprintf(message, JMSG_LENGTH_MAX, "cannot open %s for writing", path);
        jpeg_destroy_compress(&cinfo);
        return MIXEDBATCH_JPEG_FILE_ERROR;
    }
    jpeg_stdio_dest(&cinfo, file);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = components;
    cinfo.in_color_space = space;
    jpeg_set_defaults(&cinfo);  /* CMYK input stays CMYK in the file, with an Adobe marker */
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * (size_t)components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[1] = {(JSAMPROW)(pixels + row_bytes * cinfo.next_scanline)};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    int closed = fclose(file);
    if (closed != 0) {
        snprintf(message, JMSG_LENGTH_MAX, "cannot finish writing %s", path);
        return MIXEDBATCH_JPEG_FILE_ERROR;
    }
    return MIXEDBATCH_JPEG_OK;
}
