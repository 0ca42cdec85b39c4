#ifndef MIXEDBATCH_DNNL_CONVOLUTION_H
#define MIXEDBATCH_DNNL_CONVOLUTION_H

#include <stdint.h>

/// One 2-D convolution geometry: NCHW input [batch, in_channels, height, width], OIHW weight
/// [out_channels, in_channels, kernel_h, kernel_w], NCHW output [batch, out_channels,
/// out_height, out_width], zero padding pad_h / pad_w on the top / left (the bottom / right
/// padding is whatever makes the output size, as PyTorch's floor division does). has_bias (0 or
/// 1) makes the forward primitive add a bias [out_channels] and the combined backward call give
/// its gradient; the separate backward calls take none.
typedef struct {
    int64_t batch, in_channels, height, width;
    int64_t out_channels, out_height, out_width;
    int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    int64_t has_bias;
    /// A pointwise function the forward primitive applies to its output (a post-op): 0 none,
    /// 1 leaky ReLU with negative slope activation_alpha (ReLU at 0), 2 ELU (activation_alpha 1).
    /// The backward calls take 0: they are the convolution's alone.
    int64_t activation;
    double activation_alpha;
} mixedbatch_dnnl_convolution;

/// A tensor's scalars in the layout a primitive chose for it (blocked or channels-last), kept
/// beside the plain buffer so that the next primitive that wants that layout reads it without a
/// reorder: the output of one convolution as the input of the next, a convolution's input again
/// in its backward-weights call. An output's copy may stand in for its plain buffer, written
/// only when something else reads it (mixedbatch_dnnl_layout_copy_write_plain). Opaque; owned
/// by whoever a call hands it to.
typedef struct mixedbatch_dnnl_layout_copy mixedbatch_dnnl_layout_copy;

/// Gives a copy's memory back (to a pool the next copies are taken from); NULL is ignored.
void mixedbatch_dnnl_layout_copy_release(mixedbatch_dnnl_layout_copy *copy);

/// A new copy in the layout of `model` (its values undefined), able to write the plain buffer as
/// the model can; NULL when out of memory.
mixedbatch_dnnl_layout_copy *mixedbatch_dnnl_layout_copy_like(const mixedbatch_dnnl_layout_copy *model);

/// The copy's scalars (mixedbatch_dnnl_layout_copy_count of them, padding included: a pointwise
/// function of copies in the same layout is computed on them as on plain buffers).
float *mixedbatch_dnnl_layout_copy_data(const mixedbatch_dnnl_layout_copy *copy);
int64_t mixedbatch_dnnl_layout_copy_count(const mixedbatch_dnnl_layout_copy *copy);

/// 1 when the two copies have the same layout (and dimensions), else 0.
int mixedbatch_dnnl_layout_copies_match(const mixedbatch_dnnl_layout_copy *a, const mixedbatch_dnnl_layout_copy *b);

/// The scalars of one batch row of a copy whose layout keeps the batch axis outermost and
/// unblocked (NCHW, NHWC and the channel-blocked layouts oneDNN picks for activations: row n is
/// data[n·size ..< (n + 1)·size)), else 0.
int64_t mixedbatch_dnnl_layout_copy_row_size(const mixedbatch_dnnl_layout_copy *copy);

/// For a 4-D copy laid out as x[b][c / block][h][w][c % block] (channels padded to a multiple of
/// block; NCHW is block 1, NHWC one block of every channel): block, else 0.
int64_t mixedbatch_dnnl_layout_copy_channel_block(const mixedbatch_dnnl_layout_copy *copy);

/// 1 when `a`'s layout keeps the batch outermost and `b` has the same layout and dimensions but
/// for the number of batch rows, else 0.
int mixedbatch_dnnl_layout_copies_match_but_rows(const mixedbatch_dnnl_layout_copy *a,
                                                 const mixedbatch_dnnl_layout_copy *b);

/// A new copy in `model`'s layout with `rows` batch rows (values undefined), able to write its
/// plain buffer; NULL when the layout does not keep the batch outermost, or on failure.
mixedbatch_dnnl_layout_copy *mixedbatch_dnnl_layout_copy_with_rows(const mixedbatch_dnnl_layout_copy *model,
                                                                   int64_t rows);

/// Writes an output copy's values into the plain NCHW buffer `plain`; 0 on success, else oneDNN's
/// status (an input's copy, made from the plain buffer, cannot: dnnl_invalid_arguments).
int mixedbatch_dnnl_layout_copy_write_plain(const mixedbatch_dnnl_layout_copy *copy, float *plain);

/// The status of a call that needs an input's plain buffer which is not written yet (its copy
/// is not in the layout the primitive wants): write it and call again.
#define MIXEDBATCH_DNNL_NEEDS_PLAIN 100

/// An input's layout copy (or NULL), and whether its plain buffer is still unwritten.
typedef struct {
    const mixedbatch_dnnl_layout_copy *copy;
    int plain_pending;
} mixedbatch_dnnl_input_copy;

/// The layout copies a forward call reads and makes. `input`: x's copy, used in place of a
/// reorder when it is in the layout this primitive wants. keep_input / keep_output: 1 to be
/// handed the copy of x the call reorders into (made_input) and the copy the primitive writes y
/// into (made_output); each is NULL where the primitive reads or writes the plain buffer itself,
/// or the given input copy served. defer_output (with keep_output): y's plain buffer is left
/// unwritten where made_output holds the values. The caller releases what it is handed.
typedef struct {
    mixedbatch_dnnl_input_copy input;
    int keep_input, keep_output, defer_output;
    mixedbatch_dnnl_layout_copy *made_input, *made_output;
} mixedbatch_dnnl_layout_copies;

/// y = act(conv(x, w) + bias), plain NCHW / OIHW buffers; bias is NULL exactly when has_bias is 0.
/// copies may be NULL (nothing read or kept). Returns 0 on success, else oneDNN's status.
int mixedbatch_dnnl_convolution_forward(const mixedbatch_dnnl_convolution *geometry,
                                        const float *x, const float *w, const float *bias, float *y,
                                        mixedbatch_dnnl_layout_copies *copies);
/// dx = the adjoint of conv(·, w) applied to dy.
int mixedbatch_dnnl_convolution_backward_data(const mixedbatch_dnnl_convolution *geometry,
                                              const float *dy, const float *w, float *dx);
/// dw = ∂⟨dy, conv(x, w)⟩/∂w.
int mixedbatch_dnnl_convolution_backward_weights(const mixedbatch_dnnl_convolution *geometry,
                                                 const float *x, const float *dy, float *dw);

/// The layout copies of a combined backward call: x's and dy's (read as a forward call reads its
/// input's), and, with keep_dx, dx left in the copy made_dx where backward-data writes one (its
/// plain buffer then unwritten).
typedef struct {
    mixedbatch_dnnl_input_copy x, dy;
    int keep_dx;
    mixedbatch_dnnl_layout_copy *made_dx;
} mixedbatch_dnnl_backward_copies;

/// The first-order backward pass in one call: dx (skipped when dx is NULL), dw (skipped when dw
/// is NULL; not both) and, when has_bias is 1, the bias gradient db = Σ dy over batch and
/// positions (NULL exactly when has_bias is 0; needs dw); dy is copied into the primitives' layout
/// once for both. copies may be NULL.
int mixedbatch_dnnl_convolution_backward(const mixedbatch_dnnl_convolution *geometry, const float *x, const float *w,
                                         const float *dy, float *dx, float *dw, float *db,
                                         mixedbatch_dnnl_backward_copies *copies);

/// How many reorders between a plain buffer and a primitive's layout the calling thread's last
/// convolution call ran (tests check that layout copies spare them).
int64_t mixedbatch_dnnl_reorders_of_last_call(void);

/// One 2-D pooling window over NCHW [batch, channels, height, width] -> [batch, channels,
/// out_height, out_width], padding as for convolutions. algorithm: 0 max (padding never wins),
/// 1 average counting the padding, 2 average over the window's pixels inside the image.
typedef struct {
    int64_t batch, channels, height, width, out_height, out_width;
    int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    int64_t algorithm;
} mixedbatch_dnnl_pooling;

/// y = pool(x) for inference (no workspace for a backward pass). Returns 0 on success, else
/// oneDNN's status.
int mixedbatch_dnnl_pooling_forward(const mixedbatch_dnnl_pooling *geometry, const float *x, float *y);

/// The number of threads of the OpenMP team that runs oneDNN's primitives (OMP_NUM_THREADS,
/// else one per core).
int64_t mixedbatch_team_size(void);

/// Calls body(context, part, parts) once on every thread of that team (part in 0..<parts,
/// parts the team's size now) and returns when all calls have; 0 on success. body must not
/// itself call oneDNN or this function (the team's master is busy running it).
int mixedbatch_team_run(void (*body)(void *context, int64_t part, int64_t parts), void *context);

/// Row-major C[m×n] = alpha·op(A)·op(B) + beta·C on oneDNN, op transposing when transpose_a /
/// transpose_b is 1; run on the oneDNN worker (its OpenMP team). alpha·A·Bᵀ + beta·C with beta
/// 0 or 1 runs on a matmul primitive cached per (m, n, k, alpha, beta), everything else on
/// dnnl_sgemm (DNNLGemm.c says why). 0 on success, else oneDNN's status.
int mixedbatch_dnnl_gemm(int transpose_a, int transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
                         const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                         int64_t ldc);

#endif
