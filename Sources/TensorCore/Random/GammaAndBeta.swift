import Foundation

extension RandomStream {
    /// One standard normal draw.
    public mutating func standardNormal() -> Float {
        normal([1]).scalar
    }

    /// One uniform draw in `[0, 1)`.
    public mutating func unitUniform() -> Float {
        RandomStream.unit(nextBlock().0)
    }

    /// One Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shapes below 1 through
    /// `Gamma(shape + 1) · U^(1/shape)`).
    public mutating func gamma(shape: Float) throws -> Float {
        guard shape > 0, shape.isFinite else {
            throw TensorError.invalidArgument(operation: "gamma", detail: "shape \(shape) must be positive and finite")
        }
        if shape < 1 {
            let boosted = try gamma(shape: shape + 1)
            let u = Double(RandomStream.unitOpenZero(nextBlock().0))
            return Float(Double(boosted) * Foundation.pow(u, 1 / Double(shape)))
        }
        let d = Double(shape) - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = Double(standardNormal())
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double(RandomStream.unitOpenZero(nextBlock().0))
            if Foundation.log(u) < 0.5 * x * x + d - d * v + d * Foundation.log(v) { return Float(d * v) }
        }
    }

    /// One Beta(a, b) draw, as `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`.
    public mutating func beta(_ a: Float, _ b: Float) throws -> Float {
        let x = try gamma(shape: a), y = try gamma(shape: b)
        return x / (x + y)
    }
}
