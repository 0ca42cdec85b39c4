// 2-D convolutions on oneDNN: forward, backward-data and backward-weights primitives for
// plain NCHW / OIHW buffers. Each primitive may pick its own (blocked) layouts; reorders
// to and from the plain buffers are created with it. Primitives are cached per geometry
// and kind (a training step creates none after the first); calls from several threads are
// safe (a stream and memory objects per call, primitives shared, every call on one worker thread).
#include "DNNLConvolution.h"
#include "DNNLWorker.h"

#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS, KINDS };

typedef struct {
    dnnl_primitive_t primitive;
    int argument[3];                    // two inputs, then the output
    dnnl_memory_desc_t plain[3], actual[3];
    dnnl_memory_desc_t bias;            // the bias [out_channels] of forward, its gradient of backward-weights (has_bias)
    dnnl_primitive_t reorder[3];        // plain -> actual for inputs, actual -> plain for the output
} operation;

typedef struct {
    mixedbatch_dnnl_convolution key;
    dnnl_primitive_desc_t forward_hint;
    operation *operations[KINDS];
} cache_entry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *entries;
static int entry_count, entry_capacity;

/// Below this many channels on either side, and below BLOCKED_FROM on both, a convolution's
/// activations are given to oneDNN channels-last (NHWC) rather than in the blocked layout it
/// would pick: its blocked kernels pad the channels to 16 (one AVX-512 register), which made
/// the 1/16-width networks of `make chapter4`'s default image scale (3–32 channels) 30–40 %
/// slower; at full width the blocked layouts are as fast or faster.
/// A narrow side next to a wide one (Real-NVP's coupling networks: 1–24 channels in and out,
/// 32 inside) goes blocked too, so that the wide activations stay in the one layout of their
/// neighbours: channels-last there cost a reorder of the wide side each way and kept the
/// activation gradients out of the layout (Real-NVP step at [3, 32, 32]: conv + reorder time
/// −20 %; 1/16-width SNGAN steps, whose 8→16 layers stay channels-last, unchanged).
/// The exception: an image input (at most 4 channels) into a full-width layer is read in plain
/// NCHW by oneDNN's first-layer kernels, which write a blocked output (PyTorch's choice too),
/// instead of both sides channels-last; no copy of the input, a cheaper one of the output.
enum { CHANNELS_LAST_BELOW = 16, BLOCKED_FROM = 32, IMAGE_CHANNELS_AT_MOST = 4 };

/// The plain layouts (`tag` nchw: NCHW / OIHW, the tensors' own) or those the primitive is
/// created with (`tag` any: oneDNN's choice, with activations channels-last for few channels).
static void descriptors(const mixedbatch_dnnl_convolution *g, dnnl_format_tag_t tag, dnnl_memory_desc_t *src,
                        dnnl_memory_desc_t *weights, dnnl_memory_desc_t *dst) {
    dnnl_dims_t src_dims = {g->batch, g->in_channels, g->height, g->width};
    dnnl_dims_t weight_dims = {g->out_channels, g->in_channels, g->kernel_h, g->kernel_w};
    dnnl_dims_t dst_dims = {g->batch, g->out_channels, g->out_height, g->out_width};
    int narrowest = g->in_channels < g->out_channels ? g->in_channels : g->out_channels;
    int widest = g->in_channels < g->out_channels ? g->out_channels : g->in_channels;
    int few_channels = narrowest < CHANNELS_LAST_BELOW && widest < BLOCKED_FROM;
    int first_layer = g->in_channels <= IMAGE_CHANNELS_AT_MOST && g->out_channels >= CHANNELS_LAST_BELOW;
    int plain = tag != dnnl_format_tag_any;
    dnnl_format_tag_t output = plain ? dnnl_nchw : first_layer ? tag : few_channels ? dnnl_nhwc : tag;
    dnnl_format_tag_t input = first_layer ? dnnl_nchw : output;
    dnnl_memory_desc_init_by_tag(src, 4, src_dims, dnnl_f32, input);
    dnnl_memory_desc_init_by_tag(weights, 4, weight_dims, dnnl_f32, tag == dnnl_format_tag_any ? tag : dnnl_oihw);
    dnnl_memory_desc_init_by_tag(dst, 4, dst_dims, dnnl_f32, output);
}

static void window(const mixedbatch_dnnl_convolution *g, dnnl_dims_t strides, dnnl_dims_t left, dnnl_dims_t right) {
    strides[0] = g->stride_h;
    strides[1] = g->stride_w;
    left[0] = g->pad_h;
    left[1] = g->pad_w;
    right[0] = (g->out_height - 1) * g->stride_h + g->kernel_h - g->height - g->pad_h;
    right[1] = (g->out_width - 1) * g->stride_w + g->kernel_w - g->width - g->pad_w;
}

/// From this many channels on both sides, a 3×3 convolution of stride 1 may run as Winograd's
/// F(4×4, 3×3) (oneDNN's `auto` picks it where it has a kernel: 2.25 times fewer multiplications,
/// per-call time −25 % at 16×16 to −42 % at 32×32 on Real-NVP's 32-channel layers at batch 64;
/// the SNGAN discriminator's 3×3 layers too). Narrower layers stay direct: padded to 16
/// channels, Winograd made them up to twice as slow. Its rounding differs from the direct
/// kernels' (within the tolerances the tests compare against the im2col reference).
enum { WINOGRAD_CHANNELS_FROM = 32 };

/// `MIXEDBATCH_WINOGRAD=0` keeps every convolution direct (the rounding of tables made before
/// Winograd was allowed); read once.
static int winograd_allowed(void) {
    static int allowed = -1;
    if (allowed < 0) {
        const char *value = getenv("MIXEDBATCH_WINOGRAD");
        allowed = !(value && strcmp(value, "0") == 0);
    }
    return allowed;
}

static dnnl_alg_kind_t algorithm(const mixedbatch_dnnl_convolution *g) {
    int winograd = winograd_allowed() && g->kernel_h == 3 && g->kernel_w == 3 && g->stride_h == 1 && g->stride_w == 1
                   && g->in_channels >= WINOGRAD_CHANNELS_FROM && g->out_channels >= WINOGRAD_CHANNELS_FROM;
    return winograd ? dnnl_convolution_auto : dnnl_convolution_direct;
}

/// The descriptor of a primitive of `kind` with any layouts.
static dnnl_status_t describe(int kind, const mixedbatch_dnnl_convolution *g, dnnl_convolution_desc_t *description) {
    dnnl_alg_kind_t kind_of_algorithm = algorithm(g);
    dnnl_memory_desc_t src, weights, dst, bias;
    dnnl_dims_t strides, left, right, bias_dims = {g->out_channels};
    descriptors(g, dnnl_format_tag_any, &src, &weights, &dst);
    dnnl_memory_desc_init_by_tag(&bias, 1, bias_dims, dnnl_f32, dnnl_a);
    window(g, strides, left, right);
    switch (kind) {
    case FORWARD:
        return dnnl_convolution_forward_desc_init(description, dnnl_forward_training, kind_of_algorithm, &src,
                                                  &weights, g->has_bias ? &bias : NULL, &dst, strides, left, right);
    case BACKWARD_DATA:
        return dnnl_convolution_backward_data_desc_init(description, kind_of_algorithm, &src, &weights, &dst,
                                                        strides, left, right);
    default:
        return dnnl_convolution_backward_weights_desc_init(description, kind_of_algorithm, &src, &weights,
                                                           g->has_bias ? &bias : NULL, &dst, strides, left, right);
    }
}

/// Attributes with the geometry's activation as an eltwise post-op.
static dnnl_status_t activation_attributes(const mixedbatch_dnnl_convolution *g, dnnl_primitive_attr_t *attributes) {
    if (g->activation != 1 && g->activation != 2) return dnnl_invalid_arguments;
    dnnl_post_ops_t post_ops;
    dnnl_status_t status = dnnl_post_ops_create(&post_ops);
    if (status != dnnl_success) return status;
    status = dnnl_post_ops_append_eltwise(post_ops, 1.0f, g->activation == 1 ? dnnl_eltwise_relu : dnnl_eltwise_elu,
                                          (float)g->activation_alpha, 0.0f);
    if (status == dnnl_success) status = dnnl_primitive_attr_create(attributes);
    if (status == dnnl_success) status = dnnl_primitive_attr_set_post_ops(*attributes, post_ops);
    dnnl_post_ops_destroy(post_ops);
    return status;
}

static dnnl_status_t make_operation(int kind, const mixedbatch_dnnl_convolution *g, dnnl_primitive_desc_t hint,
                                    dnnl_primitive_desc_t *kept, operation **made) {
    dnnl_engine_t engine = mixedbatch_dnnl_engine();
    dnnl_convolution_desc_t description;
    dnnl_primitive_desc_t pd;
    dnnl_status_t status = describe(kind, g, &description);
    if (status != dnnl_success) return status;
    dnnl_primitive_attr_t attributes = NULL;
    if (kind == FORWARD && g->activation) status = activation_attributes(g, &attributes);
    if (status == dnnl_success) {
        status = dnnl_primitive_desc_create(&pd, &description, attributes, engine, kind == FORWARD ? NULL : hint);
    }
    if (attributes) dnnl_primitive_attr_destroy(attributes);
    if (status != dnnl_success) return status;
    operation *op = calloc(1, sizeof(operation));
    dnnl_memory_desc_t src, weights, dst;
    descriptors(g, dnnl_nchw, &src, &weights, &dst);
    static const dnnl_query_t queries[KINDS][3] = {
        {dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md},
        {dnnl_query_diff_dst_md, dnnl_query_weights_md, dnnl_query_diff_src_md},
        {dnnl_query_src_md, dnnl_query_diff_dst_md, dnnl_query_diff_weights_md},
    };
    static const int arguments[KINDS][3] = {
        {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
        {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
        {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
    };
    const dnnl_memory_desc_t plains[KINDS][3] = {{src, weights, dst}, {dst, weights, src}, {src, dst, weights}};
    for (int i = 0; i < 3 && status == dnnl_success; i++) {
        op->argument[i] = arguments[kind][i];
        op->plain[i] = plains[kind][i];
        op->actual[i] = *dnnl_primitive_desc_query_md(pd, queries[kind][i], 0);
        if (dnnl_memory_desc_equal(&op->plain[i], &op->actual[i])) continue;
        dnnl_primitive_desc_t reorder_pd;
        status = i < 2 ? dnnl_reorder_primitive_desc_create(&reorder_pd, &op->plain[i], engine, &op->actual[i], engine, NULL)
                       : dnnl_reorder_primitive_desc_create(&reorder_pd, &op->actual[i], engine, &op->plain[i], engine, NULL);
        if (status != dnnl_success) break;
        status = dnnl_primitive_create(&op->reorder[i], reorder_pd);
        dnnl_primitive_desc_destroy(reorder_pd);
    }
    if (status == dnnl_success && kind != BACKWARD_DATA && g->has_bias) {
        op->bias = *dnnl_primitive_desc_query_md(pd, kind == FORWARD ? dnnl_query_weights_md : dnnl_query_diff_weights_md, 1);
    }
    if (status == dnnl_success) status = dnnl_primitive_create(&op->primitive, pd);
    if (status != dnnl_success) {
        free(op);
        dnnl_primitive_desc_destroy(pd);
        return status;
    }
    if (kind == FORWARD) *kept = pd; else dnnl_primitive_desc_destroy(pd);
    *made = op;
    return dnnl_success;
}

/// The cached operation of `kind` for `g`, made on first use.
static dnnl_status_t lookup(int kind, const mixedbatch_dnnl_convolution *g, operation **found) {
    dnnl_status_t status = dnnl_success;
    dnnl_engine_t engine = mixedbatch_dnnl_engine();
    if (!engine) return dnnl_runtime_error;
    pthread_mutex_lock(&cache_lock);
    cache_entry *entry = NULL;
    for (int i = 0; i < entry_count && status == dnnl_success; i++) {
        if (memcmp(&entries[i].key, g, sizeof(*g)) == 0) { entry = &entries[i]; break; }
    }
    if (status == dnnl_success && !entry) {
        if (entry_count == entry_capacity) {
            entry_capacity = entry_capacity ? 2 * entry_capacity : 64;
            entries = realloc(entries, (size_t)entry_capacity * sizeof(cache_entry));
        }
        entry = &entries[entry_count++];
        memset(entry, 0, sizeof(*entry));
        entry->key = *g;
    }
    if (status == dnnl_success && !entry->forward_hint) {
        operation *forward = NULL;
        status = make_operation(FORWARD, g, NULL, &entry->forward_hint, &forward);
        entry->operations[FORWARD] = forward;
    }
    if (status == dnnl_success && !entry->operations[kind]) {
        status = make_operation(kind, g, entry->forward_hint, NULL, &entry->operations[kind]);
    }
    if (status == dnnl_success) *found = entry->operations[kind];
    pthread_mutex_unlock(&cache_lock);
    return status;
}

/// The blocked copies of a call's arguments. Calls run one at a time on the worker thread, so
/// four buffers serve them all; each grows to the largest size asked for and is kept, so that a
/// training step writes into pages it has touched before (fresh ones cost page faults inside
/// the primitives: about a third of their time on full-width SNGAN steps).
enum { SCRATCH_SLOTS = 4 };
static void *scratch_buffer[SCRATCH_SLOTS];
static size_t scratch_capacity[SCRATCH_SLOTS];

static void *scratch(int slot, size_t size) {
    size = (size + 63) / 64 * 64;
    if (size > scratch_capacity[slot]) {
        free(scratch_buffer[slot]);
        scratch_buffer[slot] = aligned_alloc(64, size);
        scratch_capacity[slot] = scratch_buffer[slot] ? size : 0;
    }
    return scratch_buffer[slot];
}

/// Reorders run by the job now on the worker thread (one job at a time), and by the calling
/// thread's last call.
static int64_t job_reorders;
static _Thread_local int64_t last_call_reorders;

int64_t mixedbatch_dnnl_reorders_of_last_call(void) { return last_call_reorders; }

static dnnl_status_t reorder(dnnl_primitive_t primitive, dnnl_memory_t from, dnnl_memory_t to, dnnl_stream_t stream) {
    job_reorders++;
    dnnl_exec_arg_t arguments[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    return dnnl_primitive_execute(primitive, stream, 2, arguments);
}

struct mixedbatch_dnnl_layout_copy {
    dnnl_memory_desc_t layout, plain;
    dnnl_primitive_t to_plain;          // layout -> plain (the operation's, cached); NULL for inputs' copies
    void *data;
    size_t capacity;
};

/// Released copies, whose buffers serve the next ones (smallest that fits): a step makes and
/// releases the same sizes each time, and reused pages spare the primitives page faults, as
/// the scratch buffers do. Beyond POOLED copies, released ones are freed.
enum { POOLED = 32 };
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static mixedbatch_dnnl_layout_copy *pool[POOLED];
static int pool_count;

static mixedbatch_dnnl_layout_copy *layout_copy(const dnnl_memory_desc_t *layout) {
    size_t size = dnnl_memory_desc_get_size(layout);
    mixedbatch_dnnl_layout_copy *copy = NULL;
    pthread_mutex_lock(&pool_lock);
    int best = -1;
    for (int i = 0; i < pool_count; i++) {
        if (pool[i]->capacity >= size && (best < 0 || pool[i]->capacity < pool[best]->capacity)) best = i;
    }
    if (best >= 0) {
        copy = pool[best];
        pool[best] = pool[--pool_count];
    }
    pthread_mutex_unlock(&pool_lock);
    if (!copy) {
        copy = malloc(sizeof(*copy));
        if (!copy) return NULL;
        copy->capacity = (size + 63) / 64 * 64;
        copy->data = aligned_alloc(64, copy->capacity);
        if (!copy->data) {
            free(copy);
            return NULL;
        }
    }
    copy->layout = *layout;
    copy->to_plain = NULL;
    return copy;
}

mixedbatch_dnnl_layout_copy *mixedbatch_dnnl_layout_copy_like(const mixedbatch_dnnl_layout_copy *model) {
    mixedbatch_dnnl_layout_copy *copy = layout_copy(&model->layout);
    if (copy) {
        copy->plain = model->plain;
        copy->to_plain = model->to_plain;
    }
    return copy;
}

float *mixedbatch_dnnl_layout_copy_data(const mixedbatch_dnnl_layout_copy *copy) { return copy->data; }

int64_t mixedbatch_dnnl_layout_copy_count(const mixedbatch_dnnl_layout_copy *copy) {
    return (int64_t)(dnnl_memory_desc_get_size(&copy->layout) / sizeof(float));
}

int mixedbatch_dnnl_layout_copies_match(const mixedbatch_dnnl_layout_copy *a, const mixedbatch_dnnl_layout_copy *b) {
    return dnnl_memory_desc_equal(&a->layout, &b->layout);
}

/// Reorders from one primitive's layout straight into another's, made once per pair of
/// layouts: an input whose values live only in a copy of another layout (a gradient from
/// backward-data into a backward call that wants a different layout) is copied across without
/// a pass through its plain buffer (a fresh one costs page faults).
typedef struct {
    dnnl_memory_desc_t from, to;
    dnnl_primitive_t primitive;
} layout_reorder;

static layout_reorder *layout_reorders;
static int layout_reorder_count, layout_reorder_capacity;

/// The reorder from `from` to `to` if one was made, else NULL; under cache_lock.
static dnnl_primitive_t find_reorder(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
    for (int i = 0; i < layout_reorder_count; i++) {
        layout_reorder *r = &layout_reorders[i];
        if (dnnl_memory_desc_equal(&r->from, from) && dnnl_memory_desc_equal(&r->to, to)) return r->primitive;
    }
    return NULL;
}

static dnnl_primitive_t cached_reorder(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
    pthread_mutex_lock(&cache_lock);
    dnnl_primitive_t found = find_reorder(from, to);
    pthread_mutex_unlock(&cache_lock);
    return found;
}

/// The reorder from `from` to `to`, made on first use (on the worker thread, like every primitive).
static dnnl_status_t reorder_between(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to,
                                     dnnl_primitive_t *found) {
    dnnl_status_t status = dnnl_success;
    pthread_mutex_lock(&cache_lock);
    *found = find_reorder(from, to);
    if (!*found) {
        dnnl_engine_t engine = mixedbatch_dnnl_engine();
        dnnl_primitive_desc_t pd;
        status = dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, NULL);
        if (status == dnnl_success) {
            status = dnnl_primitive_create(found, pd);
            dnnl_primitive_desc_destroy(pd);
        }
        if (status == dnnl_success && layout_reorder_count == layout_reorder_capacity) {
            int capacity = layout_reorder_capacity ? 2 * layout_reorder_capacity : 16;
            layout_reorder *grown = realloc(layout_reorders, (size_t)capacity * sizeof(layout_reorder));
            if (grown) {
                layout_reorders = grown;
                layout_reorder_capacity = capacity;
            }
        }
        if (status == dnnl_success && layout_reorder_count < layout_reorder_capacity) {
            layout_reorders[layout_reorder_count++] = (layout_reorder){*from, *to, *found};
        } else if (status == dnnl_success) {
            status = dnnl_out_of_memory;
            dnnl_primitive_destroy(*found);
            *found = NULL;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return status;
}

int64_t mixedbatch_dnnl_layout_copy_row_size(const mixedbatch_dnnl_layout_copy *copy) {
    const dnnl_memory_desc_t *md = &copy->layout;
    if (md->format_kind != dnnl_blocked || md->offset0 != 0 || md->extra.flags != 0 || md->ndims < 2
        || md->dims[0] < 1 || md->padded_dims[0] != md->dims[0]) return 0;
    const dnnl_blocking_desc_t *blocking = &md->format_desc.blocking;
    for (int i = 0; i < blocking->inner_nblks; i++) {
        if (blocking->inner_idxs[i] == 0) return 0;  // the batch axis itself blocked
    }
    int64_t total = (int64_t)(dnnl_memory_desc_get_size(md) / sizeof(float)), row = total / md->dims[0];
    if (row * md->dims[0] != total || blocking->strides[0] != row) return 0;
    for (int i = 1; i < md->ndims; i++) {
        int64_t blocks = md->padded_dims[i];  // the outer index of axis i runs over its blocks
        for (int k = 0; k < blocking->inner_nblks; k++) {
            if (blocking->inner_idxs[k] == i) blocks /= blocking->inner_blks[k];
        }
        if (blocking->strides[i] * blocks > row) return 0;  // another axis outside the rows
    }
    return row;
}

int64_t mixedbatch_dnnl_layout_copy_channel_block(const mixedbatch_dnnl_layout_copy *copy) {
    const dnnl_memory_desc_t *md = &copy->layout;
    if (md->ndims != 4 || mixedbatch_dnnl_layout_copy_row_size(copy) == 0) return 0;
    if (md->padded_dims[2] != md->dims[2] || md->padded_dims[3] != md->dims[3]) return 0;
    const dnnl_blocking_desc_t *blocking = &md->format_desc.blocking;
    const dnnl_dim_t *s = blocking->strides;
    const int64_t c = md->padded_dims[1], h = md->dims[2], w = md->dims[3];
    if (blocking->inner_nblks == 0) {
        if (s[1] == h * w && s[2] == w && s[3] == 1) return 1;  // NCHW
        if (s[1] == 1 && s[3] == c && s[2] == w * c) return c;  // NHWC: one block of every channel
        return 0;
    }
    if (blocking->inner_nblks != 1 || blocking->inner_idxs[0] != 1) return 0;
    const int64_t k = blocking->inner_blks[0];
    return c % k == 0 && s[3] == k && s[2] == w * k && s[1] == h * w * k ? k : 0;
}

/// `layout` with `rows` batch rows (the per-row layout unchanged).
static dnnl_memory_desc_t with_rows(dnnl_memory_desc_t layout, int64_t rows) {
    layout.dims[0] = layout.padded_dims[0] = rows;
    return layout;
}

int mixedbatch_dnnl_layout_copies_match_but_rows(const mixedbatch_dnnl_layout_copy *a,
                                                 const mixedbatch_dnnl_layout_copy *b) {
    dnnl_memory_desc_t b_as_a = with_rows(b->layout, a->layout.dims[0]);
    return mixedbatch_dnnl_layout_copy_row_size(a) > 0 && dnnl_memory_desc_equal(&a->layout, &b_as_a);
}

typedef struct {
    const dnnl_memory_desc_t *layout, *plain;
    dnnl_primitive_t to_plain;
} plain_reorder_request;

static dnnl_status_t perform_plain_reorder(void *context) {
    plain_reorder_request *r = context;
    return reorder_between(r->layout, r->plain, &r->to_plain);
}

mixedbatch_dnnl_layout_copy *mixedbatch_dnnl_layout_copy_with_rows(const mixedbatch_dnnl_layout_copy *model,
                                                                   int64_t rows) {
    static const dnnl_format_tag_t plain_tags[] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde};
    if (rows < 1 || mixedbatch_dnnl_layout_copy_row_size(model) == 0 || model->layout.ndims > 5) return NULL;
    dnnl_memory_desc_t layout = with_rows(model->layout, rows), plain;
    if (dnnl_memory_desc_init_by_tag(&plain, layout.ndims, layout.dims, dnnl_f32, plain_tags[layout.ndims]) != dnnl_success) {
        return NULL;
    }
    plain_reorder_request r = {&layout, &plain, cached_reorder(&layout, &plain)};
    if (!r.to_plain && mixedbatch_dnnl_run(perform_plain_reorder, &r) != dnnl_success) return NULL;
    mixedbatch_dnnl_layout_copy *copy = layout_copy(&layout);
    if (copy) {
        copy->plain = plain;
        copy->to_plain = r.to_plain;
    }
    return copy;
}

typedef struct {
    const mixedbatch_dnnl_layout_copy *copy;
    float *plain;
} plain_request;

static dnnl_status_t perform_write_plain(void *context) {
    const plain_request *r = context;
    dnnl_engine_t engine = mixedbatch_dnnl_engine();
    dnnl_memory_t from = NULL, to = NULL;
    dnnl_stream_t stream = NULL;
    dnnl_status_t status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    if (status == dnnl_success) status = dnnl_memory_create(&from, &r->copy->layout, engine, r->copy->data);
    if (status == dnnl_success) status = dnnl_memory_create(&to, &r->copy->plain, engine, r->plain);
    if (status == dnnl_success) status = reorder(r->copy->to_plain, from, to, stream);
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    if (from) dnnl_memory_destroy(from);
    if (to) dnnl_memory_destroy(to);
    if (stream) dnnl_stream_destroy(stream);
    return status;
}

int mixedbatch_dnnl_layout_copy_write_plain(const mixedbatch_dnnl_layout_copy *copy, float *plain) {
    if (!copy->to_plain) return (int)dnnl_invalid_arguments;
    plain_request r = {copy, plain};
    return (int)mixedbatch_dnnl_run(perform_write_plain, &r);
}

void mixedbatch_dnnl_layout_copy_release(mixedbatch_dnnl_layout_copy *copy) {
    if (!copy) return;
    pthread_mutex_lock(&pool_lock);
    int pooled = pool_count < POOLED;
    if (pooled) pool[pool_count++] = copy;
    pthread_mutex_unlock(&pool_lock);
    if (!pooled) {
        free(copy->data);
        free(copy);
    }
}

/// Argument i of `op` bound to the caller's plain buffer and, where the primitive wants another
/// layout, to a copy in it (filled now for inputs, i < 2): the input's `given` copy when it has
/// that layout (no reorder), else a new layout copy handed out through `kept` when kept is not
/// NULL (an output's copy remembers its way back to the plain layout), else scratch buffer
/// `slot`. An input whose plain buffer is unwritten is filled from its copy in another layout
/// (no copy is kept then: the tensor keeps the one it has); if the primitive wants the plain
/// layout itself: MIXEDBATCH_DNNL_NEEDS_PLAIN.
typedef struct {
    dnnl_memory_t plain, actual;
} binding;

static dnnl_status_t bind(const operation *op, int i, const void *buffer, int slot, dnnl_stream_t stream, binding *b,
                          const mixedbatch_dnnl_input_copy *given, mixedbatch_dnnl_layout_copy **kept) {
    dnnl_engine_t engine = mixedbatch_dnnl_engine();
    dnnl_status_t status = dnnl_memory_create(&b->plain, &op->plain[i], engine, (void *)buffer);
    if (status != dnnl_success) return status;
    int served = i < 2 && given && given->copy && op->reorder[i] && dnnl_memory_desc_equal(&given->copy->layout, &op->actual[i]);
    if (served) return dnnl_memory_create(&b->actual, &op->actual[i], engine, given->copy->data);
    int across = i < 2 && given && given->plain_pending;
    if (across && !(given->copy && op->reorder[i])) return (dnnl_status_t)MIXEDBATCH_DNNL_NEEDS_PLAIN;
    if (!op->reorder[i]) return status;
    if (across) {
        dnnl_primitive_t primitive;
        dnnl_memory_t from;
        void *copy = scratch(slot, dnnl_memory_desc_get_size(&op->actual[i]));
        status = copy ? reorder_between(&given->copy->layout, &op->actual[i], &primitive) : dnnl_out_of_memory;
        if (status == dnnl_success) status = dnnl_memory_create(&b->actual, &op->actual[i], engine, copy);
        if (status == dnnl_success) status = dnnl_memory_create(&from, &given->copy->layout, engine, given->copy->data);
        if (status != dnnl_success) return status;
        status = reorder(primitive, from, b->actual, stream);
        dnnl_stream_wait(stream);  // `from` is released now
        dnnl_memory_destroy(from);
        return status;
    }
    void *copy;
    if (kept) {
        *kept = layout_copy(&op->actual[i]);
        copy = *kept ? (*kept)->data : NULL;
        if (*kept && i == 2) {
            (*kept)->plain = op->plain[2];
            (*kept)->to_plain = op->reorder[2];
        }
    } else {
        copy = scratch(slot, dnnl_memory_desc_get_size(&op->actual[i]));
    }
    status = copy ? dnnl_memory_create(&b->actual, &op->actual[i], engine, copy) : dnnl_out_of_memory;
    if (status != dnnl_success || i == 2) return status;
    return reorder(op->reorder[i], b->plain, b->actual, stream);
}

/// The memory the primitive reads or writes for a binding.
static dnnl_memory_t used(const binding *b) { return b->actual ? b->actual : b->plain; }

/// Runs `op` on its three bound arguments (and a bias or bias gradient, or NULL), then copies a
/// blocked output back to the caller's buffer unless `defer_output`.
static dnnl_status_t run_bound(const operation *op, binding bound[3], const void *bias, int defer_output,
                               dnnl_stream_t stream) {
    dnnl_memory_t bias_memory = NULL;
    dnnl_exec_arg_t arguments[4];
    for (int i = 0; i < 3; i++) arguments[i] = (dnnl_exec_arg_t){op->argument[i], used(&bound[i])};
    int count = 3;
    dnnl_status_t status = dnnl_success;
    if (bias) {
        status = dnnl_memory_create(&bias_memory, &op->bias, mixedbatch_dnnl_engine(), (void *)bias);
        arguments[count++] = (dnnl_exec_arg_t){op->argument[2] == DNNL_ARG_DST ? DNNL_ARG_BIAS : DNNL_ARG_DIFF_BIAS,
                                               bias_memory};
    }
    if (status == dnnl_success) status = dnnl_primitive_execute(op->primitive, stream, count, arguments);
    if (status == dnnl_success && bound[2].actual && !defer_output) {
        status = reorder(op->reorder[2], bound[2].actual, bound[2].plain, stream);
    }
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    if (bias_memory) dnnl_memory_destroy(bias_memory);
    return status;
}

static void release(binding *bindings, int count) {
    for (int i = 0; i < count; i++) {
        if (bindings[i].plain) dnnl_memory_destroy(bindings[i].plain);
        if (bindings[i].actual) dnnl_memory_destroy(bindings[i].actual);
    }
}

/// Runs `op`; with `copies` (forward calls only), reads and keeps layout copies as it says.
static dnnl_status_t execute(const operation *op, const void *first, const void *second, const void *bias,
                             void *output, mixedbatch_dnnl_layout_copies *copies) {
    dnnl_stream_t stream;
    dnnl_status_t status = dnnl_stream_create(&stream, mixedbatch_dnnl_engine(), dnnl_stream_default_flags);
    if (status != dnnl_success) return status;
    const void *buffers[3] = {first, second, output};
    mixedbatch_dnnl_layout_copy **kept[3] = {
        copies && copies->keep_input ? &copies->made_input : NULL, NULL,
        copies && copies->keep_output ? &copies->made_output : NULL};
    binding bound[3] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
    for (int i = 0; i < 3 && status == dnnl_success; i++) {
        status = bind(op, i, buffers[i], i, stream, &bound[i], i == 0 && copies ? &copies->input : NULL, kept[i]);
    }
    int defer = copies && copies->keep_output && copies->defer_output;
    if (status == dnnl_success) status = run_bound(op, bound, bias, defer, stream);
    release(bound, 3);
    dnnl_stream_destroy(stream);
    if (status != dnnl_success && copies) {
        mixedbatch_dnnl_layout_copy_release(copies->made_input);
        mixedbatch_dnnl_layout_copy_release(copies->made_output);
        copies->made_input = copies->made_output = NULL;
    }
    return status;
}

typedef struct {
    int kind;
    const mixedbatch_dnnl_convolution *geometry;
    const void *first, *second, *bias;
    void *output;
    mixedbatch_dnnl_layout_copies *copies;
    int64_t reorders;
} request;

static dnnl_status_t perform(void *context) {
    request *r = context;
    operation *op = NULL;
    job_reorders = 0;
    dnnl_status_t status = lookup(r->kind, r->geometry, &op);
    if (status == dnnl_success) status = execute(op, r->first, r->second, r->bias, r->output, r->copies);
    r->reorders = job_reorders;
    return status;
}

static int run(int kind, const mixedbatch_dnnl_convolution *g, const void *first, const void *second, const void *bias,
               void *output, mixedbatch_dnnl_layout_copies *copies) {
    if ((bias != NULL) != (kind == FORWARD && g->has_bias)) return (int)dnnl_invalid_arguments;
    if (copies) copies->made_input = copies->made_output = NULL;
    request r = {kind, g, first, second, bias, output, copies, 0};
    int status = (int)mixedbatch_dnnl_run(perform, &r);
    last_call_reorders = r.reorders;
    return status;
}

typedef struct {
    const mixedbatch_dnnl_convolution *geometry;
    const float *x, *w, *dy;
    float *dx, *dw, *db;
    mixedbatch_dnnl_backward_copies *copies;
    int64_t reorders;
} backward_request;

/// Backward-data (when dx is wanted), then backward-weights with the bias gradient, dy copied
/// into the primitives' layout once when both want the same one.
static dnnl_status_t perform_backward(void *context) {
    backward_request *r = context;
    job_reorders = 0;
    operation *data = NULL, *weights = NULL;
    dnnl_status_t status = r->dx ? lookup(BACKWARD_DATA, r->geometry, &data) : dnnl_success;
    if (status == dnnl_success && r->dw) status = lookup(BACKWARD_WEIGHTS, r->geometry, &weights);
    if (status != dnnl_success) return status;
    dnnl_stream_t stream;
    status = dnnl_stream_create(&stream, mixedbatch_dnnl_engine(), dnnl_stream_default_flags);
    if (status != dnnl_success) return status;
    binding data_bound[3] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}}, weight_bound[3] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
    mixedbatch_dnnl_backward_copies *c = r->copies;
    mixedbatch_dnnl_input_copy *x_copy = c ? &c->x : NULL, *dy_copy = c ? &c->dy : NULL;
    if (data) {
        const void *buffers[3] = {r->dy, r->w, r->dx};
        mixedbatch_dnnl_layout_copy **kept_dx = c && c->keep_dx ? &c->made_dx : NULL;
        for (int i = 0; i < 3 && status == dnnl_success; i++) {
            status = bind(data, i, buffers[i], i, stream, &data_bound[i], i == 0 ? dy_copy : NULL, i == 2 ? kept_dx : NULL);
        }
        if (status == dnnl_success) status = run_bound(data, data_bound, NULL, kept_dx != NULL, stream);
    }
    // The stream runs in order: slots 1 and 2 are free again once backward-data has run.
    if (status == dnnl_success && weights) status = bind(weights, 0, r->x, 1, stream, &weight_bound[0], x_copy, NULL);
    int shared_dy = data && weights && dnnl_memory_desc_equal(&data->actual[0], &weights->actual[1]);
    if (status == dnnl_success && weights && !shared_dy) {
        status = bind(weights, 1, r->dy, 3, stream, &weight_bound[1], dy_copy, NULL);
    }
    if (status == dnnl_success && weights) status = bind(weights, 2, r->dw, 2, stream, &weight_bound[2], NULL, NULL);
    if (status == dnnl_success && weights) {
        binding bound[3] = {weight_bound[0], shared_dy ? data_bound[0] : weight_bound[1], weight_bound[2]};
        status = run_bound(weights, bound, r->db, 0, stream);
    }
    if (status != dnnl_success && c) {
        mixedbatch_dnnl_layout_copy_release(c->made_dx);
        c->made_dx = NULL;
    }
    release(data_bound, 3);
    release(weight_bound, 3);
    dnnl_stream_destroy(stream);
    r->reorders = job_reorders;
    return status;
}

int mixedbatch_dnnl_convolution_forward(const mixedbatch_dnnl_convolution *g, const float *x, const float *w,
                                        const float *bias, float *y, mixedbatch_dnnl_layout_copies *copies) {
    return run(FORWARD, g, x, w, bias, y, copies);
}

int mixedbatch_dnnl_convolution_backward_data(const mixedbatch_dnnl_convolution *g, const float *dy, const float *w,
                                              float *dx) {
    return run(BACKWARD_DATA, g, dy, w, NULL, dx, NULL);
}

int mixedbatch_dnnl_convolution_backward_weights(const mixedbatch_dnnl_convolution *g, const float *x, const float *dy,
                                                 float *dw) {
    return run(BACKWARD_WEIGHTS, g, x, dy, NULL, dw, NULL);
}

int mixedbatch_dnnl_convolution_backward(const mixedbatch_dnnl_convolution *g, const float *x, const float *w,
                                         const float *dy, float *dx, float *dw, float *db,
                                         mixedbatch_dnnl_backward_copies *copies) {
    if ((db != NULL) != (g->has_bias != 0) || (db && !dw) || (!dx && !dw)) return (int)dnnl_invalid_arguments;
    if (copies) copies->made_dx = NULL;
    backward_request r = {g, x, w, dy, dx, dw, db, copies, 0};
    int status = (int)mixedbatch_dnnl_run(perform_backward, &r);
    last_call_reorders = r.reorders;
    return status;
}
