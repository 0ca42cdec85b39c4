#include "CKernels.h"
#include <malloc.h>

void mixedbatch_tune_allocator(void) {
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    /* Blocks above the threshold (im2col matrices of full-width networks reach 130 MB) come
       from the heap too, so that they are reused instead of mapped and faulted in anew. */
    mallopt(M_MMAP_MAX, 0);
#endif
}
