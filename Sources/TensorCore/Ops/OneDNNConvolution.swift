import CDNNLConvolution
import Foundation

/// Which implementation `conv2d` and `convTranspose2d` use: oneDNN's primitives (the
/// default) or the im2col + GEMM reference (`MIXEDBATCH_CONVOLUTION=im2col`), which the tests
/// compare oneDNN against.
public enum ConvolutionBackend: String, Sendable {
    case oneDNN = "onednn", im2col

    /// The backend chosen by `MIXEDBATCH_CONVOLUTION` when the process started.
    public static let current: ConvolutionBackend =
        ProcessInfo.processInfo.environment["MIXEDBATCH_CONVOLUTION"].flatMap(ConvolutionBackend.init(rawValue:)) ?? .oneDNN
}

/// The three convolution primitives on oneDNN, each differentiable through the others, so
/// gradients of gradients (gradient penalties) work:
/// - forward `y = conv(x, w)`: `∂x = backwardData(∂y, w)`, `∂w = backwardWeights(x, ∂y)`;
/// - backward-data `dx = convᵀ(dy, w)` (linear in each): `∂dy = conv(∂dx, w)`,
///   `∂w = backwardWeights(∂dx, dy)`;
/// - backward-weights `dw` (bilinear in x and dy): `∂x = backwardData(dy, ∂dw)`,
///   `∂dy = conv(x, ∂dw)`.
/// Shapes: x `[B, C, H, W]`, w `[C', C, kh, kw]`, y `[B, C', H', W']`.
enum OneDNNConvolution {
    static func geometry(input: [Int], weight: [Int], output: [Int], _ g: ConvGeometry) -> mixedbatch_dnnl_convolution {
        mixedbatch_dnnl_convolution(
            batch: Int64(input[0]), in_channels: Int64(input[1]), height: Int64(input[2]), width: Int64(input[3]),
            out_channels: Int64(weight[0]), out_height: Int64(output[2]), out_width: Int64(output[3]),
            kernel_h: Int64(g.kernel.height), kernel_w: Int64(g.kernel.width), stride_h: Int64(g.stride.height),
            stride_w: Int64(g.stride.width), pad_h: Int64(g.padding.height), pad_w: Int64(g.padding.width), has_bias: 0,
            activation: 0, activation_alpha: 0)
    }

    /// A tensor of `shape` filled by the C call `fill` (given the output buffer), which
    /// returns oneDNN's status.
    private static func computed(_ shape: [Int], _ operation: String,
                                 _ fill: (UnsafeMutablePointer<Float>) -> Int32) throws -> Tensor {
        var status: Int32 = 0
        let result = Tensor(shape: shape) { out, _ in status = fill(out) }
        guard status == 0 else { throw failure(operation, status: status) }
        return result
    }

    /// How many reorders between NCHW and a primitive's layout this thread's last call ran.
    static var reordersOfLastCall: Int { Int(mixedbatch_dnnl_reorders_of_last_call()) }

    private static func failure(_ operation: String, status: Int32) -> TensorError {
        .invalidArgument(operation: operation, detail: "oneDNN failed with status \(status); "
                         + "MIXEDBATCH_CONVOLUTION=im2col uses the reference implementation")
    }

    /// `act(conv(x, w) + b)`, the bias `[C']` (optional) added and the activation (optional)
    /// applied inside the primitive; the bias's gradient is the sum of the pre-activation's
    /// gradient over batch and positions. Reads x's layout copy when it has the primitive's
    /// layout; y's values stay in the primitive's layout, written to its plain buffer when read,
    /// and x keeps its copy when the weights' gradient will read x again.
    static func forward(_ x: Tensor, _ w: Tensor, bias: Tensor? = nil, activation: ConvolutionActivation? = nil,
                        outputShape: [Int], _ g: ConvGeometry) throws -> Tensor {
        var description = geometry(input: x.shape, weight: w.shape, output: outputShape, g)
        description.has_bias = bias == nil ? 0 : 1
        (description.activation, description.activation_alpha) = activation?.postOp ?? (0, 0)
        let y = TensorStorage(uninitializedCount: Shape.count(outputShape))
        var copies = mixedbatch_dnnl_layout_copies()
        try callNeedingPlainInputs(x) { inputs in
            copies = mixedbatch_dnnl_layout_copies(input: inputs[0], keep_input: w.gradNode == nil ? 0 : 1, keep_output: 1,
                                                   defer_output: 1, made_input: nil, made_output: nil)
            return mixedbatch_dnnl_convolution_forward(&description, x.storage.unwrittenPointer, w.storage.pointer,
                                                       bias?.storage.pointer, y.unwrittenPointer, &copies)
        } failure: { failure("conv2d", status: $0) }
        if let made = OneDNNLayoutCopy(copies.made_input) { x.storage.layoutCopy = made }
        let output = OneDNNLayoutCopy(copies.made_output)
        let result = Tensor(storage: output.map { TensorStorage(count: y.count, valuesIn: $0) } ?? y, shape: outputShape)
        return result.recording(activation == nil ? "conv2d" : "conv2d+activation", inputs: [x, w] + (bias.map { [$0] } ?? [])) { output, y in
            let dy = try activation?.gradient(output, output: y) ?? output
            if !GradMode.isEnabled && (w.gradNode != nil || bias?.gradNode == nil) {  // (∂b comes with ∂w)
                let gradients = try firstOrderBackward(x, w, dy, input: x.gradNode != nil, weights: w.gradNode != nil,
                                                       bias: bias?.gradNode != nil, g)
                return bias == nil ? Array(gradients.prefix(2)) : gradients
            }
            let gradients = [x.gradNode == nil ? nil : try backwardData(dy, w, inputShape: x.shape, g),
                             w.gradNode == nil ? nil : try backwardWeights(x, dy, weightShape: w.shape, g)]
            guard let bias else { return gradients }
            return gradients + [bias.gradNode == nil ? nil : try dy.sum(alongAxes: [0, 2, 3])]
        }
    }

    /// `[∂x, ∂w, ∂b]` (each nil unless asked for; ∂b only with ∂w) in one oneDNN call: dy is
    /// copied into the primitives' layout once (or read from its layout copy), the bias gradient
    /// comes from backward-weights, ∂x stays in backward-data's layout until read. Constants: only
    /// for a backward pass that is not itself recorded.
    private static func firstOrderBackward(_ x: Tensor, _ w: Tensor, _ dy: Tensor, input: Bool, weights: Bool, bias: Bool,
                                           _ g: ConvGeometry) throws -> [Tensor?] {
        guard input || weights else { return [nil, nil, nil] }
        var description = geometry(input: x.shape, weight: w.shape, output: dy.shape, g)
        description.has_bias = bias ? 1 : 0
        let dx = input ? TensorStorage(uninitializedCount: x.count) : nil
        let dw = weights ? TensorStorage(uninitializedCount: w.count) : nil
        let db = bias ? TensorStorage(uninitializedCount: w.shape[0]) : nil
        var copies = mixedbatch_dnnl_backward_copies()
        try callNeedingPlainInputs(x, dy) { inputs in
            copies = mixedbatch_dnnl_backward_copies(x: inputs[0], dy: inputs[1], keep_dx: input ? 1 : 0, made_dx: nil)
            return mixedbatch_dnnl_convolution_backward(&description, x.storage.unwrittenPointer, w.storage.pointer,
                                                        dy.storage.unwrittenPointer, dx?.unwrittenPointer, dw?.pointer,
                                                        db?.pointer, &copies)
        } failure: { failure("conv2d backward", status: $0) }
        let dxStorage = OneDNNLayoutCopy(copies.made_dx).map { TensorStorage(count: x.count, valuesIn: $0) } ?? dx
        return [dxStorage.map { Tensor(storage: $0, shape: x.shape) }, dw.map { Tensor(storage: $0, shape: w.shape) },
                db.map { Tensor(storage: $0, shape: [w.shape[0]]) }]
    }

    /// Runs `call` with the inputs' layout copies (kept alive for the call); when it needs the
    /// plain buffer of an input that has its values only in a copy of another layout, writes the
    /// inputs' plain buffers and runs it again.
    private static func callNeedingPlainInputs(_ inputs: Tensor..., call: ([mixedbatch_dnnl_input_copy]) -> Int32,
                                               failure: (Int32) -> TensorError) throws {
        var status: Int32
        repeat {
            let copies = inputs.map(\.storage.inputCopy)
            status = call(copies.map(\.argument))
            withExtendedLifetime(copies) {}
            if status == MIXEDBATCH_DNNL_NEEDS_PLAIN { for input in inputs { _ = input.storage.pointer } }
        } while status == MIXEDBATCH_DNNL_NEEDS_PLAIN
        guard status == 0 else { throw failure(status) }
    }

    static func backwardData(_ dy: Tensor, _ w: Tensor, inputShape: [Int], _ g: ConvGeometry) throws -> Tensor {
        var description = geometry(input: inputShape, weight: w.shape, output: dy.shape, g)
        let dx = try computed(inputShape, "conv2d backward data") {
            mixedbatch_dnnl_convolution_backward_data(&description, dy.storage.pointer, w.storage.pointer, $0)
        }
        return dx.recording("conv2dBackwardData", inputs: [dy, w]) { ddx, _ in
            [dy.gradNode == nil ? nil : try forward(ddx, w, outputShape: dy.shape, g),
             w.gradNode == nil ? nil : try backwardWeights(ddx, dy, weightShape: w.shape, g)]
        }
    }

    static func backwardWeights(_ x: Tensor, _ dy: Tensor, weightShape: [Int], _ g: ConvGeometry) throws -> Tensor {
        var description = geometry(input: x.shape, weight: weightShape, output: dy.shape, g)
        let dw = try computed(weightShape, "conv2d backward weights") {
            mixedbatch_dnnl_convolution_backward_weights(&description, x.storage.pointer, dy.storage.pointer, $0)
        }
        return dw.recording("conv2dBackwardWeights", inputs: [x, dy]) { ddw, _ in
            [x.gradNode == nil ? nil : try backwardData(dy, ddw, inputShape: x.shape, g),
             dy.gradNode == nil ? nil : try forward(x, ddw, outputShape: dy.shape, g)]
        }
    }
}
