// 2-D max and average pooling on oneDNN, forward inference only, on plain NCHW buffers. The
// primitive is made per call (cheap beside the work of an image batch) on the shared worker.
#include "DNNLConvolution.h"
#include "DNNLWorker.h"

typedef struct {
    const mixedbatch_dnnl_pooling *geometry;
    const float *x;
    float *y;
} pooling_request;

static dnnl_status_t pool(void *context) {
    const pooling_request *r = context;
    const mixedbatch_dnnl_pooling *g = r->geometry;
    dnnl_engine_t engine = mixedbatch_dnnl_engine();
    if (!engine) return dnnl_runtime_error;
    static const dnnl_alg_kind_t algorithms[] = {dnnl_pooling_max, dnnl_pooling_avg_include_padding,
                                                 dnnl_pooling_avg_exclude_padding};
    if (g->algorithm < 0 || g->algorithm > 2) return dnnl_invalid_arguments;
    dnnl_dims_t src_dims = {g->batch, g->channels, g->height, g->width};
    dnnl_dims_t dst_dims = {g->batch, g->channels, g->out_height, g->out_width};
    dnnl_dims_t strides = {g->stride_h, g->stride_w}, kernel = {g->kernel_h, g->kernel_w};
    dnnl_dims_t left = {g->pad_h, g->pad_w};
    dnnl_dims_t right = {(g->out_height - 1) * g->stride_h + g->kernel_h - g->height - g->pad_h,
                         (g->out_width - 1) * g->stride_w + g->kernel_w - g->width - g->pad_w};
    dnnl_memory_desc_t src, dst;
    dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nchw);
    dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nchw);
    dnnl_pooling_desc_t description;
    dnnl_status_t status = dnnl_pooling_forward_desc_init(&description, dnnl_forward_inference,
                                                          algorithms[g->algorithm], &src, &dst, strides, kernel,
                                                          left, right);
    if (status != dnnl_success) return status;
    dnnl_primitive_desc_t pd;
    status = dnnl_primitive_desc_create(&pd, &description, NULL, engine, NULL);
    if (status != dnnl_success) return status;
    dnnl_primitive_t primitive = NULL;
    dnnl_memory_t src_memory = NULL, dst_memory = NULL;
    dnnl_stream_t stream = NULL;
    status = dnnl_primitive_create(&primitive, pd);
    if (status == dnnl_success) status = dnnl_memory_create(&src_memory, &src, engine, (void *)r->x);
    if (status == dnnl_success) status = dnnl_memory_create(&dst_memory, &dst, engine, r->y);
    if (status == dnnl_success) status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    if (status == dnnl_success) {
        dnnl_exec_arg_t arguments[2] = {{DNNL_ARG_SRC, src_memory}, {DNNL_ARG_DST, dst_memory}};
        status = dnnl_primitive_execute(primitive, stream, 2, arguments);
    }
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    if (stream) dnnl_stream_destroy(stream);
    if (dst_memory) dnnl_memory_destroy(dst_memory);
    if (src_memory) dnnl_memory_destroy(src_memory);
    if (primitive) dnnl_primitive_destroy(primitive);
    dnnl_primitive_desc_destroy(pd);
    return status;
}

int mixedbatch_dnnl_pooling_forward(const mixedbatch_dnnl_pooling *geometry, const float *x, float *y) {
    pooling_request r = {geometry, x, y};
    return (int)mixedbatch_dnnl_run(pool, &r);
}
