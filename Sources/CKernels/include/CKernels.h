#ifndef MIXEDBATCH_CKERNELS_H
#define MIXEDBATCH_CKERNELS_H

/// Fused elementwise kernels whose Swift form does not vectorise (Swift's SIMD square root
/// is lowered lane by lane). Plain C, no flags: the compiler vectorises them for the
/// target it is given (`make` passes -march=native).

/// The four arithmetic operations of `mixedbatch_binary`.
enum { MIXEDBATCH_ADD, MIXEDBATCH_SUBTRACT, MIXEDBATCH_MULTIPLY, MIXEDBATCH_DIVIDE };

/// `out[i] = a[i·a_step] ∘ b[i·b_step]` for i < count, ∘ one of the operations above and each
/// step 1 (an array) or 0 (a scalar broadcast): TensorCore's `+ − × ÷` on contiguous runs.
/// `out` must not overlap the inputs.
void mixedbatch_binary(int operation, const float *a, long a_step, const float *b, long b_step, float *out,
                       long count);

/// The calling thread's own pointer slot for TensorCore's `ProductTrace` (NULL unless that
/// thread is recording its matrix products).
void **mixedbatch_product_trace_slot(void);

/// Leaky ReLU `out = x > 0 ? x : slope·x` (ReLU at slope 0), and its gradient in one pass,
/// `out = x > 0 ? g : slope·g` (the mask never materialised).
void mixedbatch_leaky_relu(const float *x, float slope, float *out, long count);
/// `mixedbatch_leaky_relu` over `values` in place (a fused layer's output), with the same results.
void mixedbatch_leaky_relu_in_place(float *values, float slope, long count);
void mixedbatch_leaky_relu_backward(const float *g, const float *x, float slope, float *out, long count);

/// Batch normalisation in training mode (TensorCore's `batchNormalization`) over
/// x `[batch, channels, inner]`, each call for the channels `first_channel ..< end_channel` only:
/// - statistics: per channel the mean and the biased variance over batch and inner (two passes);
/// - apply: y = (x − mean_c)·scale_c + shift_c;
/// - backward sums: Σ dy and Σ dy·(x − mean_c) per channel;
/// - backward data: dx = gain_c·(dy − offset_c − (x − mean_c)·slope_c), which with
///   gain = γ·invstd, offset = Σdy / n and slope = Σdy(x − μ)·invstd² / n is the gradient
///   through the batch statistics.
void mixedbatch_batch_norm_statistics(const float *x, long batch, long channels, long inner, long first_channel,
                                      long end_channel, float *mean, float *variance);
void mixedbatch_batch_norm_apply(const float *x, const float *mean, const float *scale, const float *shift, float *y,
                                 long batch, long channels, long inner, long first_channel, long end_channel);
void mixedbatch_batch_norm_backward_sums(const float *x, const float *dy, const float *mean, long batch, long channels,
                                         long inner, long first_channel, long end_channel, float *sum_dy,
                                         float *sum_dy_centered);
void mixedbatch_batch_norm_backward_data(const float *x, const float *dy, const float *mean, const float *gain,
                                         const float *offset, const float *slope, float *dx, long batch, long channels,
                                         long inner, long first_channel, long end_channel);

/// The same four kernels on x laid out as x[b][c / block][i][c % block] (oneDNN's channel-blocked
/// layouts, channels padded to a multiple of block ≤ MIXEDBATCH_BATCH_NORM_MAX_BLOCK; NHWC as one
/// block of every channel) over channel blocks first_block ..< end_block: per channel the same
/// sums in the same order (the same bits); padding channels get no statistics and stay zero.
#define MIXEDBATCH_BATCH_NORM_MAX_BLOCK 64
void mixedbatch_batch_norm_statistics_blocked(const float *x, long batch, long channels, long block, long inner,
                                              long first_block, long end_block, float *mean, float *variance);
void mixedbatch_batch_norm_apply_blocked(const float *x, const float *mean, const float *scale, const float *shift,
                                         float *y, long batch, long channels, long block, long inner,
                                         long first_block, long end_block);
void mixedbatch_batch_norm_backward_sums_blocked(const float *x, const float *dy, const float *mean, long batch,
                                                 long channels, long block, long inner, long first_block,
                                                 long end_block, float *sum_dy, float *sum_dy_centered);
void mixedbatch_batch_norm_backward_data_blocked(const float *x, const float *dy, const float *mean, const float *gain,
                                                 const float *offset, const float *slope, float *dx, long batch,
                                                 long channels, long block, long inner, long first_block,
                                                 long end_block);

/// One Adam step over `count` scalars, in place (PyTorch's torch.optim.Adam, L2 decay):
///   g' = g + weight_decay·p;  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²;
///   p -= step_size · m / (sqrt(v) / correction2 + epsilon)
/// with step_size = lr / (1 − β1ᵗ) and correction2 = sqrt(1 − β2ᵗ).
/// The four buffers must not overlap. Returns the number of elements whose new parameter or
/// second moment is infinite or NaN (the divergence check, at no extra pass).
long mixedbatch_adam_step(float *parameter, const float *gradient, float *exp_avg, float *exp_avg_sq,
                          long count, float beta1, float beta2, float epsilon, float weight_decay,
                          float step_size, float correction2);

/// Makes this thread's floating-point unit treat subnormal numbers (|x| < 2⁻¹²⁶ ≈ 1.2e-38) as
/// zero, read and written (x86 MXCSR FTZ + DAZ, AArch64 FPCR FZ), and returns the mode it
/// replaced for `mixedbatch_flush_subnormals_end`. Intel cores take a microcode assist of about
/// a hundred cycles for every vector that holds one: an optimiser state that decays into that
/// range (Adam's m of a parameter whose gradient stays zero never leaves it: 0.9 × 2⁻¹⁴⁹
/// rounds back to 2⁻¹⁴⁹) made a 2D training step five times slower after a few hundred steps.
unsigned long mixedbatch_flush_subnormals_begin(void);
/// Restores the mode `mixedbatch_flush_subnormals_begin` returned.
void mixedbatch_flush_subnormals_end(unsigned long saved);

/// The number of infinite or NaN values among `values[0 ..< count]` (an exponent of all ones),
/// in one vectorised pass: the optimisers' per-step check that no state has diverged.
long mixedbatch_count_nonfinite(const float *values, long count);

/// `output[i] = exp(input[i])` within a few units in the last place of the correctly
/// rounded result, over the whole float range (overflow to +inf, underflow through the
/// subnormals to 0, NaN kept): range reduction to |r| ≤ ln 2 / 2 and a degree-7 polynomial,
/// written so the loop vectorises (libm's expf is called one element at a time).
void mixedbatch_exp(const float *input, float *output, long count);

/// The kernels of TensorCore's `pairwiseL1Distances` for M `[b, c, k]` (see its doc):
/// out `[b, b, k]` = Σ_c |M_i − M_j|; the contraction out `[b, c, k]` =
/// Σ_j (G_ij + G_ji)·sign(M_i − M_j) for G `[b, b, k]`; and its adjoint, out `[b, b, k]` =
/// Σ_c sign(M_i − M_j)·(R_i − R_j) for R `[b, c, k]`.
void mixedbatch_pairwise_l1(const float *m, float *out, long b, long c, long k);
void mixedbatch_pairwise_sign_contraction(const float *m, const float *g, float *out, long b, long c, long k);
void mixedbatch_pairwise_sign_differences(const float *m, const float *r, float *out, long b, long c, long k);

/// Minibatch discrimination's closeness, fused (TensorCore's `pairwiseL1Closeness`): out `[b, k]`
/// = Σ_{j≠i} exp(−Σ_c |M_i − M_j|), keeping e `[b, b, k]` = exp(−Σ_c |M_i − M_j|) for i < j
/// (the upper triangle only; the rest is not written) for the backward kernel, which gives
/// out `[b, c, k]` = −Σ_{j≠i} (G_i + G_j)·e_ij·sign(M_i − M_j) for G `[b, k]`.
void mixedbatch_pairwise_l1_closeness(const float *m, float *out, float *e, long b, long c, long k);
void mixedbatch_pairwise_l1_closeness_backward(const float *m, const float *e, const float *g, float *out,
                                               long b, long c, long k);

/// PixelCNN++'s concatenated ELU (TensorCore's `concatenatedELU`) for x `[batch, inner]` (inner = C·H·W):
/// out `[batch, 2, inner]` = [elu(x), elu(−x)] per sample, and its gradient dx = g₁·elu'(x) − g₂·elu'(−x)
/// from x, the output y and its gradient g (same layout as out).
void mixedbatch_concatenated_elu(const float *x, float *out, long batch, long inner);
void mixedbatch_concatenated_elu_backward(const float *x, const float *y, const float *g, float *dx, long batch,
                                          long inner);

/// PixelCNN++'s gated residual output (TensorCore's `gatedResidual`) for x `[batch, inner]` and gates
/// `[batch, 2, inner]` = [a, b] per sample: out = x + a ⊙ σ(b); its gradient with respect to the gates,
/// [dy ⊙ σ(b), dy ⊙ a ⊙ σ(b)(1 − σ(b))] (same layout as gates), from the gates and the output's gradient dy.
void mixedbatch_gated_residual(const float *x, const float *gates, float *out, long batch, long inner);
void mixedbatch_gated_residual_backward(const float *gates, const float *dy, float *dgates, long batch, long inner);

/// Real-NVP's affine coupling (TensorCore's `affineCoupling`) per sample of x `[batch, inner]`, with the
/// coupling network's output net `[batch, 2, inner]` = [s̃, t] and the row mask `[inner]` (1 where a
/// variable is kept): y = x where kept, else x·eˢ + t with s = bound·tanh(s̃); log_det `[batch]` = Σ s over
/// the transformed variables. Backward, from the output's gradient dy: dx = dy·eˢ (dy where kept) and
/// dnet = [dy·x·eˢ·bound·(1 − tanh²s̃), dy] on the transformed variables, 0 on the kept ones; the
/// log-determinant's part of dnet from its gradient `[batch]`: [g·bound·(1 − tanh²s̃), 0].
void mixedbatch_affine_coupling(const float *x, const float *net, const float *mask, float bound, float *y,
                                float *log_det, long batch, long inner);
void mixedbatch_affine_coupling_backward(const float *x, const float *net, const float *mask, float bound,
                                         const float *dy, float *dx, float *dnet, long batch, long inner);
void mixedbatch_affine_coupling_log_det_backward(const float *net, const float *mask, float bound,
                                                 const float *dlog_det, float *dnet, long batch, long inner);
/// Its inverse, x = y where kept, else (y − t)·e⁻ˢ; backward from the gradient dx of that output x:
/// dy = dx·e⁻ˢ (dx where kept), dnet = [−dx·x·bound·(1 − tanh²s̃), −dx·e⁻ˢ] on the transformed variables.
void mixedbatch_affine_coupling_inverse(const float *y, const float *net, const float *mask, float bound, float *x,
                                        long batch, long inner);
void mixedbatch_affine_coupling_inverse_backward(const float *x, const float *net, const float *mask, float bound,
                                                 const float *dx, float *dy, float *dnet, long batch, long inner);

/// The sliding window of a 2-D convolution over `[batch, channels, height, width]` images,
/// giving `out_height × out_width` positions (TensorCore's `ConvGeometry` and `Im2Col`).
struct mixedbatch_conv_geometry {
    long batch, channels, height, width;
    long kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    long out_height, out_width;
};

/// Unfolds sliding windows: image `[B, C, H, W]` -> columns `[C·kh·kw, B·H'·W']`, row
/// `(c·kh + i)·kw + j`, column `(b·H' + y)·W' + x`; positions outside the image read 0.
/// Writes the rows of channels `first_channel ..< end_channel` only, so that disjoint channel
/// ranges can run on different threads.
void mixedbatch_im2col(const struct mixedbatch_conv_geometry *geometry, long first_channel, long end_channel,
                       const float *image, float *columns);

/// The adjoint of `mixedbatch_im2col`: overwrites the planes of channels
/// `first_channel ..< end_channel` of image `[B, C, H, W]` with the sum of the columns' entries
/// over every window position that reads each pixel.
void mixedbatch_col2im(const struct mixedbatch_conv_geometry *geometry, long first_channel, long end_channel,
                       const float *columns, float *image);

/// `output[i] = tanh(input[i])` within a few ulp: an odd Taylor polynomial for |x| < 0.3,
/// `1 − 2 / (exp(2|x|) + 1)` with the sign restored above, ±1 beyond |x| = 9.1 (NaN kept).
void mixedbatch_tanh(const float *input, float *output, long count);

/// Raises glibc's mmap threshold to its maximum (32 MiB) and its trim threshold, so the
/// large buffers a training loop frees and re-allocates every step are reused from the heap
/// instead of being mapped, faulted in and cleared anew (see TensorStorage).
void mixedbatch_tune_allocator(void);

#endif
