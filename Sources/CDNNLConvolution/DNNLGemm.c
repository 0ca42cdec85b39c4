// Matrix products on oneDNN's GEMM (dnnl_sgemm), run on the worker thread like every other
// oneDNN call: its OpenMP team is the one the convolutions and our large passes use, so a
// product and the optimiser's update next to it never bring a second thread pool onto the cores.
#include "DNNLConvolution.h"
#include "DNNLWorker.h"

typedef struct {
    char transpose_a, transpose_b;
    int64_t m, n, k, lda, ldb, ldc;
    float alpha, beta;
    const float *a, *b;
    float *c;
} gemm_call;

static dnnl_status_t run_gemm(void *context) {
    const gemm_call *g = context;
    return dnnl_sgemm(g->transpose_a, g->transpose_b, g->m, g->n, g->k, g->alpha, g->a, g->lda, g->b, g->ldb,
                      g->beta, g->c, g->ldc);
}

int mixedbatch_dnnl_sgemm(int transpose_a, int transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
                          const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                          int64_t ldc) {
    gemm_call call = {transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, lda, ldb, ldc, alpha, beta, a, b, c};
    return (int)mixedbatch_dnnl_run(run_gemm, &call);
}
