// Matrix products on oneDNN, run on the worker thread like every other oneDNN call: its OpenMP
// team is the one the convolutions and our large passes use, so a product and the optimiser's
// update next to it never bring a second thread pool onto the cores.
//
// Two kernels. α·A·Bᵀ + β·C with β ∈ {0, 1} (every linear layer's forward pass, x·Wᵀ, with the
// bias in C; α is the equivariant layers' re-weighting) runs on a matmul primitive cached per
// (m, n, k, α, β), whose AVX-512 "brgemm" kernel takes such a product at batch 64 in 130–155 µs
// where dnnl_sgemm takes 200–250 µs (2-core Xeon, [64×512]·[512×512]ᵀ, both on two threads).
// α is fixed in the primitive: as a run-time argument oneDNN 2.6 fell back to its sgemm kernel.
// For the other transposes the two were within noise of each other, and dnnl_sgemm needs no
// primitive, so they stay on it, as does everything once MATMUL_CACHE_LIMIT primitives exist.
#include "DNNLConvolution.h"
#include "DNNLWorker.h"

#include <math.h>
#include <pthread.h>

typedef struct {
    int transpose_a, transpose_b;
    int64_t m, n, k, lda, ldb, ldc;
    float alpha, beta;
    const float *a, *b;
    float *c;
} gemm_call;

/// The geometry a matmul primitive is made for: C[m×n] = α·A[m×k]·B[n×k]ᵀ (+ C when accumulate).
typedef struct {
    int64_t m, n, k;
    float alpha;
    int accumulate;
} matmul_key;

/// Each primitive holds its generated kernel: a run whose α changes every step (a masked
/// batch's re-weighting) must not grow the cache without end.
enum { MATMUL_CACHE_LIMIT = 256 };

typedef struct {
    matmul_key key;
    dnnl_primitive_t primitive;
    dnnl_memory_desc_t a, b, c;
} matmul_entry;

/// Entries are appended under the lock and never move or change afterwards, so a caller may
/// keep a pointer to one without holding the lock (the memory objects and the stream of a call
/// are its own: about 0.7 µs to make, against 100 µs and more for the product).
static pthread_mutex_t matmul_lock = PTHREAD_MUTEX_INITIALIZER;
static matmul_entry matmuls[MATMUL_CACHE_LIMIT];
static int matmul_count;

/// Whether the call is A·Bᵀ on dense row-major operands with an α a cache key can match.
static int takes_matmul(const gemm_call *g) {
    return !g->transpose_a && g->transpose_b && isfinite(g->alpha) && (g->beta == 0.0f || g->beta == 1.0f) &&
           g->lda == g->k && g->ldb == g->k && g->ldc == g->n;
}

static dnnl_status_t make_matmul(const matmul_key *key, matmul_entry *entry) {
    dnnl_dims_t a_dims = {key->m, key->k}, a_strides = {key->k, 1};
    dnnl_dims_t b_dims = {key->k, key->n}, b_strides = {1, key->k};  // B[n×k] row-major, read as its transpose
    dnnl_dims_t c_dims = {key->m, key->n}, c_strides = {key->n, 1};
    dnnl_status_t status = dnnl_memory_desc_init_by_strides(&entry->a, 2, a_dims, dnnl_f32, a_strides);
    if (status == dnnl_success) status = dnnl_memory_desc_init_by_strides(&entry->b, 2, b_dims, dnnl_f32, b_strides);
    if (status == dnnl_success) status = dnnl_memory_desc_init_by_strides(&entry->c, 2, c_dims, dnnl_f32, c_strides);
    dnnl_matmul_desc_t description;
    if (status == dnnl_success) status = dnnl_matmul_desc_init(&description, &entry->a, &entry->b, NULL, &entry->c);
    dnnl_primitive_attr_t attributes = NULL;
    dnnl_post_ops_t post_ops = NULL;
    if (status == dnnl_success) status = dnnl_primitive_attr_create(&attributes);
    if (status == dnnl_success && key->alpha != 1.0f) {
        status = dnnl_primitive_attr_set_output_scales(attributes, 1, 0, &key->alpha);
    }
    if (status == dnnl_success && key->accumulate) {
        status = dnnl_post_ops_create(&post_ops);
        if (status == dnnl_success) status = dnnl_post_ops_append_sum(post_ops, 1.0f);
        if (status == dnnl_success) status = dnnl_primitive_attr_set_post_ops(attributes, post_ops);
    }
    dnnl_primitive_desc_t primitive_description = NULL;
    if (status == dnnl_success) {
        status = dnnl_primitive_desc_create(&primitive_description, &description, attributes,
                                            mixedbatch_dnnl_engine(), NULL);
    }
    if (status == dnnl_success) status = dnnl_primitive_create(&entry->primitive, primitive_description);
    if (primitive_description) dnnl_primitive_desc_destroy(primitive_description);
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    if (attributes) dnnl_primitive_attr_destroy(attributes);
    return status;
}

/// The cached primitive for `key`, made on first use; oneDNN's status if it refused,
/// dnnl_unimplemented when the cache is full.
static dnnl_status_t lookup_matmul(const matmul_key *key, const matmul_entry **found) {
    if (!mixedbatch_dnnl_engine()) return dnnl_runtime_error;
    dnnl_status_t status = dnnl_success;
    pthread_mutex_lock(&matmul_lock);
    const matmul_entry *entry = NULL;
    for (int i = 0; i < matmul_count && !entry; i++) {
        const matmul_key *k = &matmuls[i].key;
        if (k->m == key->m && k->n == key->n && k->k == key->k && k->alpha == key->alpha &&
            k->accumulate == key->accumulate) {
            entry = &matmuls[i];
        }
    }
    if (!entry && matmul_count == MATMUL_CACHE_LIMIT) status = dnnl_unimplemented;
    if (!entry && status == dnnl_success) {
        matmul_entry *made = &matmuls[matmul_count];
        *made = (matmul_entry){.key = *key};
        status = make_matmul(key, made);
        if (status == dnnl_success) entry = &matmuls[matmul_count++];
    }
    pthread_mutex_unlock(&matmul_lock);
    *found = entry;
    return status;
}

static dnnl_status_t run_matmul(const gemm_call *g) {
    matmul_key key = {g->m, g->n, g->k, g->alpha, g->beta != 0.0f};
    const matmul_entry *entry = NULL;
    dnnl_status_t status = lookup_matmul(&key, &entry);
    if (status != dnnl_success) return status;
    dnnl_engine_t engine = mixedbatch_dnnl_engine();
    dnnl_stream_t stream = NULL;
    dnnl_memory_t a = NULL, b = NULL, c = NULL;
    status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    if (status == dnnl_success) status = dnnl_memory_create(&a, &entry->a, engine, (void *)g->a);
    if (status == dnnl_success) status = dnnl_memory_create(&b, &entry->b, engine, (void *)g->b);
    if (status == dnnl_success) status = dnnl_memory_create(&c, &entry->c, engine, g->c);
    if (status == dnnl_success) {
        dnnl_exec_arg_t arguments[3] = {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}};
        status = dnnl_primitive_execute(entry->primitive, stream, 3, arguments);
    }
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    if (c) dnnl_memory_destroy(c);
    if (b) dnnl_memory_destroy(b);
    if (a) dnnl_memory_destroy(a);
    if (stream) dnnl_stream_destroy(stream);
    return status;
}

static dnnl_status_t run_gemm(void *context) {
    const gemm_call *g = context;
    if (takes_matmul(g)) {
        dnnl_status_t status = run_matmul(g);
        if (status != dnnl_unimplemented) return status;
    }
    return dnnl_sgemm(g->transpose_a ? 'T' : 'N', g->transpose_b ? 'T' : 'N', g->m, g->n, g->k, g->alpha, g->a,
                      g->lda, g->b, g->ldb, g->beta, g->c, g->ldc);
}

int mixedbatch_dnnl_gemm(int transpose_a, int transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
                         const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                         int64_t ldc) {
    gemm_call call = {transpose_a != 0, transpose_b != 0, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c};
    return (int)mixedbatch_dnnl_run(run_gemm, &call);
}
