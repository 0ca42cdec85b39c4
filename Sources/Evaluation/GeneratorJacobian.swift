import CBLAS
import Foundation
import TensorCore

/// The Jacobian analysis of Flow-GAN (spec §5.5, Figs. 4 and 8): at latent points z, the
/// singular values of `∂G(z)/∂z` and `ln |det ∂G/∂z| = Σ ln s_i` — small singular values mean
/// the generator squeezes volume, i.e. puts its mass on a low-volume set.
public enum GeneratorJacobian {
    /// `∂G(z)/∂z` at one latent row `z` `[d]` of a row-wise generator `G: [B, d] -> [B, …]`
    /// (each output row depends on its input row only: batch norm in evaluation mode):
    /// row-major `[D, d]`, D the output size per row. One backward pass over D copies of z,
    /// seeded with the identity, gives every row of the Jacobian.
    public static func jacobian(of generator: (Tensor) throws -> Tensor, at z: [Float]) throws -> (values: [Double], rows: Int) {
        let d = z.count
        let probe = try generator(Tensor(shape: [1, d], scalars: z))
        let outputs = probe.count
        let copies = try Tensor(shape: [1, d], scalars: z).broadcast(to: [outputs, d]).detached.requiringGradient()
        let y = try generator(copies).reshaped([outputs, outputs])
        var identity = [Float](repeating: 0, count: outputs * outputs)
        for i in 0..<outputs { identity[i * outputs + i] = 1 }
        let rows = try gradients(of: y, wrt: [copies], seed: Tensor(shape: [outputs, outputs], scalars: identity))[0]
        return (rows.scalars.map(Double.init), outputs)
    }

    /// The singular values (descending) of a row-major `[rows, columns]` matrix, by LAPACK's dgesdd.
    public static func singularValues(_ matrix: [Double], rows: Int, columns: Int) throws -> [Double] {
        guard rows >= 1, columns >= 1, matrix.count == rows * columns else {
            throw EvaluationError.invalidInput("singularValues: \(matrix.count) values are not a \(rows)×\(columns) matrix")
        }
        guard matrix.allSatisfy(\.isFinite) else {
            throw EvaluationError.invalidInput("singularValues: the matrix holds NaN or infinite values")
        }
        // A row-major [rows, columns] matrix is the column-major [columns, rows] transpose, whose
        // singular values are the same; column-major needs no workspace copies of U and Vᵀ.
        var a = matrix
        var s = [Double](repeating: 0, count: min(rows, columns))
        var u = [Double](repeating: 0, count: 1), vt = [Double](repeating: 0, count: 1)
        let status = LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(columns), Int32(rows), &a, Int32(columns),
                                    &s, &u, 1, &vt, 1)
        guard status == 0 else {
            throw EvaluationError.invalidInput("LAPACK dgesdd failed with status \(status) on a \(rows)×\(columns) matrix")
        }
        return s
    }

    /// What the analysis reports over a set of latent points.
    public struct Spectrum: Codable, Equatable, Sendable {
        /// Latent points analysed.
        public var points: Int
        /// Mean over points of `Σ ln s_i` (Flow-GAN's "average log-determinant").
        public var meanLogDeterminant: Double
        /// The pooled singular values' quantiles at 0, 0.01, …, 1 (the CDF of Fig. 4).
        public var quantiles: [Double]
        /// Median over points of `s_max / s_min`.
        public var medianConditionNumber: Double
    }

    /// The spectrum of `generator` at each latent row of `latents` `[n, d]`.
    public static func spectrum(of generator: (Tensor) throws -> Tensor, at latents: Tensor,
                                onPoint: (() -> Void)? = nil) throws -> Spectrum {
        guard latents.rank == 2, latents.shape[0] >= 1 else {
            throw EvaluationError.invalidInput("GeneratorJacobian.spectrum needs latents [n, d] (got \(latents.shape))")
        }
        let (n, d) = (latents.shape[0], latents.shape[1])
        let flat = latents.scalars
        var pooled: [Double] = [], logDeterminants: [Double] = [], conditions: [Double] = []
        for i in 0..<n {
            let (matrix, outputs) = try jacobian(of: generator, at: Array(flat[(i * d)..<((i + 1) * d)]))
            let values = try singularValues(matrix, rows: outputs, columns: d)
            pooled += values
            logDeterminants.append(values.reduce(0) { $0 + log($1) })
            conditions.append(values.first! / values.last!)
            onPoint?()
        }
        pooled.sort()
        conditions.sort()
        let quantiles = (0...100).map { pooled[min(pooled.count - 1, Int((Double($0) / 100 * Double(pooled.count - 1)).rounded()))] }
        return Spectrum(points: n, meanLogDeterminant: logDeterminants.reduce(0, +) / Double(n), quantiles: quantiles,
                        medianConditionNumber: conditions[conditions.count / 2])
    }
}
