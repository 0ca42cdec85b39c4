import CDNNLConvolution

/// How an inference pooling window combines its pixels.
public enum PoolingKind: Int64, Sendable, CaseIterable {
    /// The largest pixel; padding never wins (PyTorch's `max_pool2d`).
    case max = 0
    /// The mean over the whole window, padding counting as zeros (`count_include_pad=True`).
    case averageCountingPadding = 1
    /// The mean over the window's pixels inside the image (`count_include_pad=False`).
    case averageInsideImage = 2
}

/// Pooling `[B, C, H, W] -> [B, C, H', W']` on oneDNN for inference (feature extractors such
/// as Inception-v3): any window, stride and padding, the output size as for `conv2d`. It
/// records no gradient and refuses an input that needs one; training uses `avgPool2d` and
/// `maxPool2d`.
public func inferencePool2d(_ x: Tensor, _ kind: PoolingKind, geometry g: ConvGeometry) throws -> Tensor {
    guard x.rank == 4 else {
        throw TensorError.invalidShape(operation: "inferencePool2d", shape: x.shape, expected: "expected [B, C, H, W]")
    }
    guard !x.requiresGradient else {
        throw TensorError.invalidArgument(operation: "inferencePool2d",
                                          detail: "records no gradient; use avgPool2d or maxPool2d on tensors that need one")
    }
    guard g.padding.height < g.kernel.height, g.padding.width < g.kernel.width,
          g.paddingEnd.height < g.kernel.height, g.paddingEnd.width < g.kernel.width else {
        throw TensorError.invalidArgument(operation: "inferencePool2d",
                                          detail: "padding \(g.padding) / \(g.paddingEnd) must be smaller than the window \(g.kernel)")
    }
    let (oh, ow) = try g.outputSize(height: x.shape[2], width: x.shape[3], operation: "inferencePool2d")
    var description = mixedbatch_dnnl_pooling(
        batch: Int64(x.shape[0]), channels: Int64(x.shape[1]), height: Int64(x.shape[2]), width: Int64(x.shape[3]),
        out_height: Int64(oh), out_width: Int64(ow), kernel_h: Int64(g.kernel.height), kernel_w: Int64(g.kernel.width),
        stride_h: Int64(g.stride.height), stride_w: Int64(g.stride.width), pad_h: Int64(g.padding.height),
        pad_w: Int64(g.padding.width), algorithm: kind.rawValue)
    var status: Int32 = 0
    let y = Tensor(shape: [x.shape[0], x.shape[1], oh, ow]) { out, _ in
        status = mixedbatch_dnnl_pooling_forward(&description, x.storage.pointer, out)
    }
    guard status == 0 else {
        throw TensorError.invalidArgument(operation: "inferencePool2d", detail: "oneDNN failed with status \(status)")
    }
    return y
}
