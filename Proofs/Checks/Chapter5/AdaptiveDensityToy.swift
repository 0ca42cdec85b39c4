import Foundation

/// The 1-D model of chapter 5's theory checks (spec §4.9, E5.T1), every density in closed form:
///
/// - the data `p*`: a mixture of Gaussians;
/// - the feature map `f_ψ(x) = a·x + b + c·tanh(x)` with `a > 0`, `a + c > 0`: strictly
///   increasing, `f'(x) = a + c·sech²(x) > 0`, a bijection of ℝ;
/// - the feature-space model `p_θ`: `z ~ N(0, 1)`, `y | z ~ N(w·z + m, s²)`, whose marginal is
///   `N(m, w² + s²)` and whose posterior is `N(k(y − m), τ²)` with `k = w / (w² + s²)`,
///   `τ² = s² / (w² + s²)`;
/// - the encoder `q(z | y) = N(κ·(y − m) + δ, σ_q²)`: the exact posterior when `κ = k`, `δ = 0`,
///   `σ_q² = τ²`;
/// - the image-space model `p_{θ,ψ}(x) = p_θ(f_ψ(x)) · |f_ψ'(x)|` (change of variables, Eq. 5.5).
struct AdaptiveDensityToy: Sendable {
    struct Component: Sendable { var weight, mean, std: Double }

    var target: [Component]
    var a = 1.0, b = 0.0, c = 0.0
    var w = 1.0, m = 0.0, s = 1.0
    /// The encoder's gain, offset and standard deviation; `nil` gain: the exact posterior.
    var encoder: (gain: Double, offset: Double, std: Double)?

    static func normalDensity(_ x: Double, mean: Double, std: Double) -> Double {
        exp(-0.5 * (x - mean) * (x - mean) / (std * std)) / (std * (2 * Double.pi).squareRoot())
    }

    func targetDensity(_ x: Double) -> Double {
        target.reduce(0) { $0 + $1.weight * Self.normalDensity(x, mean: $1.mean, std: $1.std) }
    }

    func feature(_ x: Double) -> Double { a * x + b + c * tanh(x) }
    func featureDerivative(_ x: Double) -> Double { a + c / (cosh(x) * cosh(x)) }

    /// `p_θ(y)`, the exact marginal in feature space.
    func featureDensity(_ y: Double) -> Double { Self.normalDensity(y, mean: m, std: (w * w + s * s).squareRoot()) }

    /// `p_{θ,ψ}(x) = p_θ(f(x)) |f'(x)|`: a density exactly when f is a bijection.
    func modelDensity(_ x: Double) -> Double { featureDensity(feature(x)) * abs(featureDerivative(x)) }

    /// The encoder's mean and standard deviation at feature `y`.
    func posterior(_ y: Double) -> (mean: Double, std: Double) {
        let k = w / (w * w + s * s)
        guard let encoder else { return (k * (y - m), (s * s / (w * w + s * s)).squareRoot()) }
        return (encoder.gain * (y - m) + encoder.offset, encoder.std)
    }

    /// The ELBO `E_q[ln p(y | z) + ln p(z) − ln q(z | y)]` in closed form (Gaussian expectations).
    func elbo(_ y: Double) -> Double {
        let (mu, tau) = posterior(y)
        let twoPi = 2 * Double.pi
        let reconstruction = -0.5 * log(twoPi * s * s) - ((y - w * mu - m) * (y - w * mu - m) + w * w * tau * tau) / (2 * s * s)
        let prior = -0.5 * log(twoPi) - 0.5 * (mu * mu + tau * tau)
        let entropy = 0.5 * log(twoPi * exp(1.0) * tau * tau)
        return reconstruction + prior + entropy
    }

    /// The coverage loss at one image, Eq. 5.5: `−ELBO(f_ψ(x)) − ln f_ψ'(x)`.
    func coverageLoss(_ x: Double) -> Double { -elbo(feature(x)) - log(featureDerivative(x)) }
}

/// Composite Simpson quadrature of `f` over `[lower, upper]` with `intervals` (even) pieces.
func simpson(_ lower: Double, _ upper: Double, intervals: Int = 40_000, _ f: (Double) -> Double) -> Double {
    let n = intervals + intervals % 2, h = (upper - lower) / Double(n)
    var total = f(lower) + f(upper)
    for i in 1..<n { total += f(lower + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
    return total * h / 3
}

/// `∫ p ln(p / q)` by quadrature; terms where `p` underflows contribute nothing.
func klDivergence(_ p: (Double) -> Double, _ q: (Double) -> Double, range: ClosedRange<Double>,
                  intervals: Int = 40_000) -> Double {
    simpson(range.lowerBound, range.upperBound, intervals: intervals) { x in
        let px = p(x)
        return px > 1e-300 ? px * log(px / q(x)) : 0
    }
}
