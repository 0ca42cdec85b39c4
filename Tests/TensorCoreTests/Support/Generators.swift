import PropertyBased
import TensorCore

/// Generators of random shapes and geometries for the property tests. Tensor values
/// come from a generated seed (`TestData(seed:)`), so a failing case is reproducible
/// from the printed input alone.
enum Generators {
    /// Shapes of rank 0…4 with extents 1…4.
    static let shape = Gen.int(in: 1...4).array(of: 0...4)

    /// Seeds for tensor values.
    static let seed = Gen.uint64(in: 0...UInt64.max)

    /// Two shapes that broadcast together: a common shape, from which each operand
    /// drops some leading axes and sets the axes chosen by a bit mask to 1.
    static let broadcastablePair = zip(shape, Gen.int(in: 0...4), Gen.int(in: 0...4), Gen.int(in: 0...15), Gen.int(in: 0...15))
        .map { common, dropA, dropB, onesA, onesB in
            (operand(of: common, dropping: dropA, unitAxes: onesA), operand(of: common, dropping: dropB, unitAxes: onesB))
        }

    private static func operand(of common: [Int], dropping leading: Int, unitAxes mask: Int) -> [Int] {
        Array(common.dropFirst(Swift.min(leading, common.count))).enumerated().map { axis, extent in
            mask & (1 << axis) != 0 ? 1 : extent
        }
    }

    /// A valid convolution: batch, channels, input size, kernel, stride and padding before and
    /// after the input (the same on both sides for about half the cases; padding may exceed the
    /// kernel; the input is enlarged until the window fits).
    static let convolution = zip(symmetricConvolution, Gen.int(in: -3...3), Gen.int(in: -3...3))
        .map { base, endHeight, endWidth in
            // A negative draw keeps that axis' padding symmetric.
            var geometry = base.geometry
            geometry.paddingEnd = (endHeight < 0 ? geometry.padding.height : endHeight,
                                   endWidth < 0 ? geometry.padding.width : endWidth)
            let shape = base.inputShape
            let padded = (geometry.padding.height + geometry.paddingEnd.height, geometry.padding.width + geometry.paddingEnd.width)
            return ConvolutionCase(inputShape: [shape[0], shape[1], Swift.max(shape[2], geometry.kernel.height - padded.0),
                                                Swift.max(shape[3], geometry.kernel.width - padded.1)],
                                   geometry: geometry)
        }

    private static let symmetricConvolution = zip(Gen.int(in: 1...2), Gen.int(in: 1...3), Gen.int(in: 1...7), Gen.int(in: 1...7),
                                                  Gen.int(in: 1...4), Gen.int(in: 1...4), Gen.int(in: 1...3), Gen.int(in: 1...3),
                                                  Gen.int(in: 0...3), Gen.int(in: 0...3))
        .map { batch, channels, height, width, kh, kw, sh, sw, ph, pw in
            ConvolutionCase(inputShape: [batch, channels, height, width],
                            geometry: ConvGeometry(kernel: (kh, kw), stride: (sh, sw), padding: (ph, pw)))
        }
}

/// An input shape `[B, C, H, W]` and a window geometry that fits it.
struct ConvolutionCase: Sendable, CustomStringConvertible {
    var inputShape: [Int]
    var geometry: ConvGeometry

    var outputSize: (height: Int, width: Int) {
        ((inputShape[2] + geometry.padding.height + geometry.paddingEnd.height - geometry.kernel.height) / geometry.stride.height + 1,
         (inputShape[3] + geometry.padding.width + geometry.paddingEnd.width - geometry.kernel.width) / geometry.stride.width + 1)
    }

    var description: String {
        "input \(inputShape), kernel \(geometry.kernel), stride \(geometry.stride), padding \(geometry.padding) / \(geometry.paddingEnd)"
    }
}
