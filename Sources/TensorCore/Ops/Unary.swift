import CKernels
import Foundation

// Elementwise functions. Each backward rule is written with differentiable operations
// (often reusing the output `y`), so second derivatives are available.

extension Tensor {
    /// Applies `f` to every scalar (no graph recording).
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape) { out, n in
            let x = storage.pointer
            for i in 0..<n { out[i] = f(x[i]) }
        }
    }

    /// A constant mask, 1 where `predicate` holds.
    @inline(__always)
    func mask(_ predicate: (Float) -> Bool) -> Tensor { map { predicate($0) ? 1 : 0 } }
}

/// `eˣ`, through the vectorised `mixedbatch_exp` kernel (a few ulp from libm's expf).
public func exp(_ x: Tensor) -> Tensor {
    let input = x.storage.pointer
    let y = Tensor.filledInParts(x.shape) { part, out in
        mixedbatch_exp(input + part.lowerBound, out + part.lowerBound, part.count)
    }
    return y.recording("exp", inputs: [x]) { g, y in [try g * y] }
}

public func log(_ x: Tensor) -> Tensor {
    x.map { Foundation.log($0) }.recording("log", inputs: [x]) { g, _ in [try g / x] }
}

/// `log(1 + x)`, accurate for small `x`.
public func log1p(_ x: Tensor) -> Tensor {
    x.map { Foundation.log1p($0) }.recording("log1p", inputs: [x]) { g, _ in [try g / (1 + x)] }
}

/// `1 / (1 + exp(-x))`, computed without overflow for large |x|.
public func sigmoid(_ x: Tensor) -> Tensor {
    x.map(stableSigmoid).recording("sigmoid", inputs: [x]) { g, y in [try g * (y * (1 - y))] }
}

/// `log σ(x) = -softplus(-x)`, stable for large |x| (the log-likelihood of a logit).
public func logSigmoid(_ x: Tensor) -> Tensor {
    x.map { -stableSoftplus(-$0) }.recording("logSigmoid", inputs: [x]) { g, _ in [try g * sigmoid(-x)] }
}

/// `log(1 + exp(x))`, stable for large |x|.
public func softplus(_ x: Tensor) -> Tensor {
    x.map(stableSoftplus).recording("softplus", inputs: [x]) { g, _ in [try g * sigmoid(x)] }
}

/// `tanh x`, through the vectorised `mixedbatch_tanh` kernel (a few ulp from libm's tanhf).
public func tanh(_ x: Tensor) -> Tensor {
    let input = x.storage.pointer
    return Tensor.filledInParts(x.shape) { part, out in
        mixedbatch_tanh(input + part.lowerBound, out + part.lowerBound, part.count)
    }.recording("tanh", inputs: [x]) { g, y in [try g * (1 - y * y)] }
}

public func relu(_ x: Tensor) -> Tensor { leakyRelu(x, slope: 0) }

/// `x` for positive inputs, `slope · x` otherwise (ReLU at slope 0, where negative inputs
/// give +0). One fused pass each way; the gradient `g ↦ g · (x > 0 ? 1 : slope)` is itself
/// a recorded op, linear in `g` with a constant mask, so second derivatives work.
///
/// Where `x` holds its values only in a convolution primitive's layout (a residual block's
/// pre-activation between two convolutions), computed there, so the next convolution reads
/// the result without a reorder.
public func leakyRelu(_ x: Tensor, slope: Float = 0.01) -> Tensor {
    let kernel = { (out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, part: Range<Int>) in
        mixedbatch_leaky_relu(x + part.lowerBound, slope, out + part.lowerBound, part.count)
    }
    let y = Tensor.pointwiseInLayout(x, kernel) ?? {
        let input = x.storage.pointer
        return Tensor.filledInParts(x.shape) { part, out in kernel(out, input, part) }
    }()
    return y.recording(slope == 0 ? "relu" : "leakyRelu", inputs: [x]) { g, _ in [leakyReluGradient(g, x, slope: slope)] }
}

/// `g · (x > 0 ? 1 : slope)`, differentiable in `g` (the mask is a constant of `x`; the output
/// of a leaky ReLU with slope ≥ 0 has the sign of its input, so `x` may be either).
/// Where g holds its values only in a convolution primitive's layout and x has a copy in it too
/// (the backward pass between two convolutions), computed there.
func leakyReluGradient(_ g: Tensor, _ x: Tensor, slope: Float) -> Tensor {
    let kernel = { (out: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, x: UnsafePointer<Float>, part: Range<Int>) in
        mixedbatch_leaky_relu_backward(g + part.lowerBound, x + part.lowerBound, slope, out + part.lowerBound, part.count)
    }
    let dx = Tensor.pointwiseInLayout(g, x, kernel) ?? {
        let (pg, px) = (g.storage.pointer, x.storage.pointer)
        return Tensor.filledInParts(g.shape) { part, out in kernel(out, pg, px, part) }
    }()
    return dx.recording("leakyReluGradient", inputs: [g]) { gg, _ in [leakyReluGradient(gg, x, slope: slope)] }
}

/// ELU (Clevert et al. 2016): `x` for positive inputs, `eˣ − 1` otherwise; the
/// decoders' non-linearity in chapters 3 and 5 (spec §4.5).
public func elu(_ x: Tensor) -> Tensor {
    x.map { $0 > 0 ? $0 : Foundation.expm1($0) }.recording("elu", inputs: [x]) { g, y in
        let positive = x.mask { $0 > 0 }
        return [try g * (positive + (1 - positive) * (y + 1))]
    }
}

/// |x|; the gradient at 0 is taken as 0.
public func abs(_ x: Tensor) -> Tensor {
    x.map { Swift.abs($0) }.recording("abs", inputs: [x]) { g, _ in
        [try g * x.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }]
    }
}

public func sqrt(_ x: Tensor) -> Tensor {
    x.map { $0.squareRoot() }.recording("sqrt", inputs: [x]) { g, y in [try g / (2 * y)] }
}

public func square(_ x: Tensor) -> Tensor {
    x.map { $0 * $0 }.recording("square", inputs: [x]) { g, _ in [try g * (2 * x)] }
}

/// `x^exponent` elementwise for a constant exponent.
public func pow(_ x: Tensor, _ exponent: Float) -> Tensor {
    x.map { Foundation.pow($0, exponent) }.recording("pow", inputs: [x]) { g, _ in
        // x⁰ is constant; exponent · x⁻¹ would make its gradient 0 · ∞ = NaN at 0.
        [exponent == 0 ? g * 0 : try g * (exponent * pow(x, exponent - 1))]
    }
}

/// `x^y` elementwise, both differentiable, for positive `x`: `exp(y · log x)`.
public func pow(_ x: Tensor, _ y: Tensor) throws -> Tensor {
    exp(try y * log(x))
}

/// Limits every scalar to `[lower, upper]`; the gradient is zero where it clips.
public func clamp(_ x: Tensor, min lower: Float, max upper: Float) -> Tensor {
    x.map { Swift.min(Swift.max($0, lower), upper) }.recording("clamp", inputs: [x]) { g, _ in
        [try g * x.mask { $0 >= lower && $0 <= upper }]
    }
}

@inline(__always)
func stableSigmoid(_ v: Float) -> Float {
    if v >= 0 { return 1 / (1 + Foundation.exp(-v)) }
    let e = Foundation.exp(v)
    return e / (1 + e)
}

@inline(__always)
func stableSoftplus(_ v: Float) -> Float {
    max(v, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(v)))
}
