#ifndef MIXEDBATCH_CJPEGDECODER_H
#define MIXEDBATCH_CJPEGDECODER_H

#include <stddef.h>

/// JPEG decoding (and, for tests, encoding) through libjpeg with an error manager that
/// returns instead of calling exit(): libjpeg's default handler ends the process on the
/// first corrupt byte. This header does not include jpeglib.h, so Swift sees only plain C
/// types; `message` buffers must hold JMSG_LENGTH_MAX (200) bytes, libjpeg's longest message.

/// Status codes of the functions below.
#define MIXEDBATCH_JPEG_OK 0
/// libjpeg rejected the data (not a JPEG, truncated, corrupt); `message` holds libjpeg's text.
#define MIXEDBATCH_JPEG_CORRUPT 1
/// A colour space with no RGB conversion (neither grayscale, YCbCr, RGB, CMYK nor YCCK).
#define MIXEDBATCH_JPEG_UNSUPPORTED 2
/// The output buffer could not be allocated.
#define MIXEDBATCH_JPEG_OUT_OF_MEMORY 3
/// The file to write could not be opened.
#define MIXEDBATCH_JPEG_FILE_ERROR 4
/// The header declares more than MIXEDBATCH_JPEG_MAX_PIXELS pixels; nothing was allocated.
#define MIXEDBATCH_JPEG_TOO_LARGE 5
/// The largest image decoded: 2^28 pixels (16,384 × 16,384), 768 MiB of RGB — a header
/// can declare 65,535 × 65,535 in a few bytes.
#define MIXEDBATCH_JPEG_MAX_PIXELS (1UL << 28)

/// Decodes the JPEG image in `data[0 ..< size]` to interleaved 8-bit RGB, rows top to bottom.
/// Grayscale comes out with R = G = B; CMYK and YCCK are converted to RGB, as inverted
/// (Adobe/Photoshop) CMYK when the file has an Adobe marker, as plain CMYK otherwise.
/// libjpeg's warnings count as errors: on a truncated file libjpeg would otherwise warn
/// "Premature end of JPEG file" and fill the missing rows with grey.
/// Returns MIXEDBATCH_JPEG_OK and sets `*width`, `*height` and `*rgb` (3·width·height bytes
/// from malloc; release with mixedbatch_jpeg_free), or another status with `*rgb` NULL and
/// a NUL-terminated explanation in `message`.
int mixedbatch_jpeg_decode_rgb(const unsigned char *data, size_t size, int *width, int *height,
                               unsigned char **rgb, char *message);

/// Releases a buffer returned by mixedbatch_jpeg_decode_rgb (NULL is allowed).
void mixedbatch_jpeg_free(unsigned char *rgb);

/// Writes `pixels` (`height` rows of `width · components` bytes; components 1 = grayscale,
/// 3 = RGB, 4 = inverted CMYK, which libjpeg marks with an Adobe marker) to `path` as a
/// baseline JPEG at `quality` (1–100, libjpeg's default 4:2:0 chroma subsampling).
/// Used by the tests to make their own files.
/// Returns MIXEDBATCH_JPEG_OK, or another status with an explanation in `message`.
int mixedbatch_jpeg_encode_file(const char *path, const unsigned char *pixels, int width, int height,
                                int components, int quality, char *message);

#endif
