import Testing
import TensorCore

/// Finite-difference checks of reverse-mode gradients, first and second order.
///
/// A function `f: [Tensor] -> Tensor` of any output shape is reduced to a scalar by a
/// fixed random projection `L(x) = Σᵢ rᵢ·f(x)ᵢ` (accumulated in Float64). Its autodiff
/// gradient — `gradients(of: f(x), wrt: x, seed: r)` — is compared with central
/// differences `(L(x + h·eᵢ) − L(x − h·eᵢ)) / (2h)`, where the step actually taken is
/// re-measured after rounding the perturbed input to Float32.
///
/// The second-order check compares the autodiff Hessian–vector product
/// `∇ₓ ⟨∇ₓL(x), v⟩` (a gradient of a gradient recorded with `createGraph: true`) with the
/// central difference of the first-order gradient along `v`:
/// `(∇L(x + h·v) − ∇L(x − h·v)) / (2h)`. Perturbing all inputs at once checks the mixed
/// partial derivatives too (for `matmul`, the only non-zero ones).
struct GradientChecker {
    /// Finite-difference step. Float32 inputs make smaller steps drown in rounding.
    var step: Double = 1e-2
    /// Allowed error relative to the size of the compared derivative.
    var relativeTolerance: Double = 1e-2
    /// Allowed error relative to the largest derivative of the whole check (so that
    /// derivatives near zero are not held to a meaningless relative standard).
    var absoluteTolerance: Double = 2e-3
    /// Seed of the projections and directions.
    var seed: UInt64 = 0x5EED

    /// One compared derivative.
    struct Comparison: CustomStringConvertible {
        var input: Int
        var index: Int
        var analytic: Double
        var numeric: Double
        var description: String {
            "input \(input), element \(index): autodiff \(analytic) vs finite difference \(numeric)"
        }
    }

    /// The outcome of a check: the comparison that came closest to (or furthest past)
    /// its tolerance.
    struct Report: CustomStringConvertible {
        var order: Int
        var worst: Comparison?
        /// `|analytic − numeric| / allowed` of the worst comparison; at most 1 to pass.
        var worstRatio: Double = 0
        var problems: [String] = []
        var passed: Bool { problems.isEmpty && worstRatio <= 1 }
        var description: String {
            let head = passed ? "order-\(order) gradients match" : "order-\(order) gradients differ"
            return ([head + (worst.map { "; worst at \($0) (error/tolerance \(worstRatio))" } ?? "")] + problems)
                .joined(separator: "\n")
        }
    }

    // MARK: First order

    /// Compares the autodiff gradient of the projected `f` with central differences.
    func firstOrder(at inputs: [Tensor], _ f: ([Tensor]) throws -> Tensor) throws -> Report {
        let leaves = inputs.map { $0.requiringGradient() }
        let output = try f(leaves)
        let projection = projectionTensor(shape: output.shape, salt: 1)
        let analytic = try gradients(of: output, wrt: leaves, seed: projection)

        var report = Report(order: 1)
        let shapeProblems = zip(inputs, analytic).enumerated().compactMap { k, pair in
            pair.0.shape == pair.1.shape ? nil
                : "gradient of input \(k) has shape \(pair.1.shape), the input \(pair.0.shape)"
        }
        report.problems += shapeProblems
        guard shapeProblems.isEmpty else { return report }

        let r = projection.scalars.map(Double.init)
        // Evaluated with recording on: `f` may take gradients itself (a gradient penalty).
        func projected(_ x: [Tensor]) throws -> Double {
            let y = try f(x)
            return zip(y.scalars, r).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        }
        var numeric: [[Double]] = []
        for k in inputs.indices {
            var column = [Double]()
            for i in 0..<inputs[k].count {
                let (plus, minus, realisedStep) = perturbed(inputs, input: k, element: i)
                column.append((try projected(plus) - projected(minus)) / realisedStep)
            }
            numeric.append(column)
        }
        compare(analytic: analytic.map { $0.scalars.map(Double.init) }, numeric: numeric, into: &report)
        return report
    }

    // MARK: Second order

    /// Compares the autodiff Hessian–vector product of the projected `f` with central
    /// differences of its (first-order) autodiff gradient, along random directions.
    func secondOrder(at inputs: [Tensor], directions: Int = 2, _ f: ([Tensor]) throws -> Tensor) throws -> Report {
        var report = Report(order: 2)
        for d in 0..<directions {
            let direction = inputs.enumerated().map { k, x in
                projectionTensor(shape: x.shape, salt: UInt64(100 + 10 * d + k))
            }
            // Autodiff: ∇ₓ ⟨∇ₓL(x), v⟩.
            let leaves = inputs.map { $0.requiringGradient() }
            let output = try f(leaves)
            let projection = projectionTensor(shape: output.shape, salt: 1)
            let firstGradients = try gradients(of: output, wrt: leaves, seed: projection, createGraph: true)
            var directional = Tensor(0)
            for (g, v) in zip(firstGradients, direction) { directional = try directional + (g * v).sum() }
            let analytic = try gradients(of: directional, wrt: leaves)

            // Finite differences of the gradient along v.
            let plus = try zip(inputs, direction).map { x, v in try x + v * Float(step) }
            let minus = try zip(inputs, direction).map { x, v in try x - v * Float(step) }
            let gradientPlus = try firstOrderGradients(of: f, at: plus, projection: projection)
            let gradientMinus = try firstOrderGradients(of: f, at: minus, projection: projection)
            let numeric = zip(gradientPlus, gradientMinus).map { p, m in
                zip(p.scalars, m.scalars).map { (Double($0) - Double($1)) / (2 * step) }
            }
            compare(analytic: analytic.map { $0.scalars.map(Double.init) }, numeric: numeric, into: &report)
        }
        return report
    }

    // MARK: Helpers

    private func firstOrderGradients(of f: ([Tensor]) throws -> Tensor, at inputs: [Tensor],
                                     projection: Tensor) throws -> [Tensor] {
        let leaves = inputs.map { $0.requiringGradient() }
        return try gradients(of: try f(leaves), wrt: leaves, seed: projection)
    }

    /// Inputs with element `i` of input `k` moved by ±step, and the distance actually
    /// travelled once both points are rounded to Float32.
    private func perturbed(_ inputs: [Tensor], input k: Int, element i: Int) -> ([Tensor], [Tensor], Double) {
        var plus = inputs, minus = inputs
        let x = Double(inputs[k].scalars[i])
        let high = Float(x + step), low = Float(x - step)
        plus[k] = plus[k].detached
        minus[k] = minus[k].detached
        plus[k].withUnsafeMutableScalars { $0[i] = high }
        minus[k].withUnsafeMutableScalars { $0[i] = low }
        return (plus, minus, Double(high) - Double(low))
    }

    /// A random projection or direction with entries in [-1, 1).
    private func projectionTensor(shape: [Int], salt: UInt64) -> Tensor {
        var stream = RandomStream(seed: seed).split(salt)
        return stream.uniform(shape, low: -1, high: 1)
    }

    private func compare(analytic: [[Double]], numeric: [[Double]], into report: inout Report) {
        let scale = Swift.max(1, (analytic + numeric).joined().map(Swift.abs).max() ?? 0)
        for (k, (a, n)) in zip(analytic, numeric).enumerated() {
            for (i, (ai, ni)) in zip(a, n).enumerated() {
                let allowed = absoluteTolerance * scale + relativeTolerance * Swift.max(Swift.abs(ai), Swift.abs(ni))
                let ratio = ai.isFinite && ni.isFinite ? Swift.abs(ai - ni) / allowed : .infinity
                if ratio >= report.worstRatio {
                    report.worstRatio = ratio
                    report.worst = Comparison(input: k, index: i, analytic: ai, numeric: ni)
                }
            }
        }
    }
}

/// Records an issue unless the autodiff gradient of `f` at `inputs` matches central
/// differences (see `GradientChecker.firstOrder`).
func expectGradientsMatch(_ inputs: [Tensor], checker: GradientChecker = GradientChecker(),
                          sourceLocation: SourceLocation = #_sourceLocation,
                          _ f: ([Tensor]) throws -> Tensor) throws {
    let report = try checker.firstOrder(at: inputs, f)
    #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
}

/// Records an issue unless the autodiff Hessian–vector products of `f` at `inputs`
/// match central differences of its gradient (see `GradientChecker.secondOrder`).
func expectSecondOrderGradientsMatch(_ inputs: [Tensor], checker: GradientChecker = GradientChecker(),
                                     sourceLocation: SourceLocation = #_sourceLocation,
                                     _ f: ([Tensor]) throws -> Tensor) throws {
    let report = try checker.secondOrder(at: inputs, f)
    #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
}
