// zlib's inflate, for gzip-compressed dataset files (MNIST's *-ubyte.gz).
#include <zlib.h>
