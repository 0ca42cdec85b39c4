// libjpeg (libjpeg-turbo's libjpeg 6.2 API). jpeglib.h uses FILE and size_t without
// including their headers, so <stdio.h> must come first.
#include <stdio.h>
#include <jpeglib.h>
