import Evaluation
import Foundation
import TensorCore
import Testing

/// The analyses of Flow-GAN (spec §5.5): the kernel density behind the memoriser and the
/// Parzen estimate, the Jacobian spectrum, the MODE score.
@Suite struct FlowGANAnalysisTests {
    /// Three centres in 2D, σ = 0.5, at x = (0.5, 0.5), worked out by hand:
    /// p(x) = (1/3) Σ_k exp(−‖x − c_k‖² / (2σ²)) / (2πσ²), ‖x − c_k‖² = 0.5, 0.5, 2.5.
    @Test func theMemoriserLikelihoodOnThreePointsMatchesTheHandValue() throws {
        let kernels = try KernelDensity(centres: Tensor(shape: [3, 2], scalars: [0, 0, 1, 0, 0, 2]))
        let sigma = 0.5, variance = sigma * sigma
        let byHand = log((exp(-0.5 / (2 * variance)) * 2 + exp(-2.5 / (2 * variance))) / 3 / (2 * Double.pi * variance))
        let value = try kernels.logDensities(of: Tensor(shape: [1, 2], scalars: [0.5, 0.5]), bandwidth: sigma)[0]
        #expect(abs(value - byHand) < 1e-9, "\(value) vs \(byHand)")
    }

    /// On a line the mixture integrates to one (Riemann sum over ±12σ around the centres).
    @Test func theKernelDensityIntegratesToOne() throws {
        let kernels = try KernelDensity(centres: Tensor(shape: [4, 1], scalars: [-1, 0.3, 0.4, 2]))
        let step = 0.001
        let grid = stride(from: -5.0, to: 6.0, by: step).map(Float.init)
        let values = try kernels.logDensities(of: Tensor(shape: [grid.count, 1], scalars: grid), bandwidth: 0.25)
        let integral = values.reduce(0) { $0 + exp($1) } * step
        #expect(abs(integral - 1) < 1e-4, "\(integral)")
    }

    /// Scored on its own centres, a memoriser prefers the narrowest bandwidth; on points away
    /// from them, a wider one.
    @Test func theBandwidthSearchPrefersMemorisingItsOwnCentres() throws {
        var random = RandomStream(seed: 3)
        let centres = random.normal([50, 3])
        let kernels = try KernelDensity(centres: centres)
        let candidates = [0.01, 0.1, 0.5, 1, 2]
        #expect(try kernels.selectBandwidth(for: centres, candidates: candidates).best == 0.01)
        #expect(try kernels.selectBandwidth(for: random.normal([200, 3]), candidates: candidates).best >= 0.5)
        #expect(throws: EvaluationError.self) { try kernels.logDensities(of: centres, bandwidth: 0) }
        #expect(throws: EvaluationError.self) { try kernels.logDensities(of: random.normal([2, 4]), bandwidth: 1) }
    }

    /// The Jacobian of a linear generator `G(z) = A z` is A, and its singular values satisfy
    /// Π s = |det A| (by elimination) and Σ s² = ‖A‖_F²; for a 2×2 matrix they are the closed form.
    @Test func theJacobianSpectrumOfALinearGeneratorIsItsMatrix() throws {
        var random = RandomStream(seed: 5)
        let n = 5
        let a = random.normal([n, n])
        let generator: (Tensor) throws -> Tensor = { z in try z.matmul(a, transposeOther: true) }
        let (jacobian, rows) = try GeneratorJacobian.jacobian(of: generator, at: random.normal([n]).scalars)
        #expect(rows == n)
        #expect(zip(jacobian, a.scalars).allSatisfy { abs($0 - Double($1)) < 1e-6 })
        let values = try GeneratorJacobian.singularValues(jacobian, rows: n, columns: n)
        var m = a.scalars.map(Double.init), determinant = 1.0
        for column in 0..<n {
            let pivot = (column..<n).max { abs(m[$0 * n + column]) < abs(m[$1 * n + column]) }!
            if pivot != column { for j in 0..<n { m.swapAt(pivot * n + j, column * n + j) }; determinant = -determinant }
            determinant *= m[column * n + column]
            for row in (column + 1)..<n {
                let factor = m[row * n + column] / m[column * n + column]
                for j in column..<n { m[row * n + j] -= factor * m[column * n + j] }
            }
        }
        #expect(abs(values.reduce(1, *) - abs(determinant)) < 1e-9 * abs(determinant))
        #expect(abs(values.reduce(0) { $0 + $1 * $1 } - jacobian.reduce(0) { $0 + $1 * $1 }) < 1e-9)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
        // [[3, 0], [4, 5]]: s² are the roots of s⁴ − 50 s² + 225, i.e. 45 and 5.
        let small = try GeneratorJacobian.singularValues([3, 0, 4, 5], rows: 2, columns: 2)
        #expect(abs(small[0] - sqrt(45)) < 1e-12 && abs(small[1] - sqrt(5)) < 1e-12)
        let spectrum = try GeneratorJacobian.spectrum(of: generator, at: random.normal([3, n]))
        #expect(abs(spectrum.meanLogDeterminant - log(abs(determinant))) < 1e-6)
        #expect(spectrum.quantiles.count == 101 && spectrum.quantiles.first! == values.last! && spectrum.quantiles.last! == values[0])
    }

    /// MODE = exp(E KL(p(y|x) ‖ p*) − KL(p* ‖ p)): K for confident samples spread as p*, 1 for
    /// uninformative ones, and a missing class costs more than it does to the Inception Score.
    @Test func theModeScoreOnKnownCases() throws {
        let confident = (0..<100).map { $0 % 2 == 0 ? [1.0, 0] : [0, 1.0] }
        #expect(abs(try modeScore(probabilities: confident, dataMarginal: [0.5, 0.5]) - 2) < 1e-12)
        #expect(abs(try modeScore(probabilities: Array(repeating: [0.5, 0.5], count: 10), dataMarginal: [0.5, 0.5]) - 1) < 1e-12)
        // Three of four classes covered evenly: IS = 3, MODE = exp(ln 4 − ¾ ln(¾) − ¼ ln(¼ / 10⁻³⁰⁰)) ≈ 0.
        let threeOfFour = (0..<99).map { index in (0..<4).map { $0 == index % 3 ? 1.0 : 0 } }
        #expect(try modeScore(probabilities: threeOfFour, dataMarginal: [0.25, 0.25, 0.25, 0.25]) < 1e-10)
        #expect(try labelMarginal([0, 1, 1, 3], classes: 4) == [0.25, 0.5, 0, 0.25])
        #expect(throws: EvaluationError.self) { try modeScore(probabilities: [[0.5, 0.6]], dataMarginal: [0.5, 0.5]) }
    }
}
