#include "CKernels.h"

static _Thread_local void *product_trace;

void **mixedbatch_product_trace_slot(void) { return &product_trace; }
