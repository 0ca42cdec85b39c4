// libpng's simplified png_image API.
#include <png.h>
