// OpenBLAS' CBLAS interface and LAPACKE (for the symmetric eigensolvers ssyevd / dsyevd).
#include <cblas.h>
#include <lapacke.h>
