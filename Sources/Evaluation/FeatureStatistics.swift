import CBLAS
import TensorCore

/// Features of a sample set in Float64, row-major `[N, D]`: the input of every
/// distribution metric (Fréchet distance, KID, precision and recall).
public struct FeatureMatrix: Sendable {
    public let rows: Int
    public let dimension: Int
    public let values: [Double]

    /// From `features [N, D]`; N ≥ `minimumRows`.
    public init(_ features: Tensor, minimumRows: Int = 1, role: String = "features") throws {
        guard features.rank == 2, features.shape[0] >= minimumRows, features.shape[1] >= 1 else {
            throw TensorError.invalidShape(operation: "FeatureMatrix", shape: features.shape,
                                           expected: "\(role) must be [N, D] with N ≥ \(minimumRows) and D ≥ 1")
        }
        guard features.scalars.allSatisfy(\.isFinite) else {
            throw TensorError.invalidArgument(operation: "FeatureMatrix",
                                              detail: "\(role) contain NaN or infinite values; evaluate finite samples")
        }
        rows = features.shape[0]
        dimension = features.shape[1]
        values = features.scalars.map(Double.init)
    }

    /// Rows of `dimension` values, row-major (`values.count == rows · dimension`).
    init(rows: Int, dimension: Int, values: [Double]) {
        precondition(values.count == rows * dimension, "a feature matrix holds rows × dimension values")
        self.rows = rows
        self.dimension = dimension
        self.values = values
    }

    /// The per-dimension mean, `[D]`.
    public var mean: [Double] {
        var result = [Double](repeating: 0, count: dimension)
        for row in 0..<rows {
            for d in 0..<dimension { result[d] += values[row * dimension + d] }
        }
        return result.map { $0 / Double(rows) }
    }

    /// The unbiased covariance `Σ = (X − μ)ᵀ(X − μ) / (N − 1)`, `[D, D]` row-major (N ≥ 2).
    public var covariance: [Double] {
        let mu = mean
        var centred = values
        for row in 0..<rows {
            for d in 0..<dimension { centred[row * dimension + d] -= mu[d] }
        }
        var result = [Double](repeating: 0, count: dimension * dimension)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(dimension), Int32(dimension), Int32(rows),
                    1 / Double(max(rows - 1, 1)), centred, Int32(dimension), centred, Int32(dimension),
                    0, &result, Int32(dimension))
        return result
    }

    /// `A·Bᵀ` for the rows of two feature matrices of the same dimension, `[N_A, N_B]`.
    func products(with other: FeatureMatrix) -> [Double] {
        var result = [Double](repeating: 0, count: rows * other.rows)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(other.rows), Int32(dimension),
                    1, values, Int32(dimension), other.values, Int32(dimension), 0, &result, Int32(other.rows))
        return result
    }

    /// Squared Euclidean distances between the rows of the two matrices, `[N_A, N_B]`
    /// (`‖a‖² + ‖b‖² − 2a·b`, clamped at 0).
    func squaredDistances(to other: FeatureMatrix) -> [Double] {
        let dot = products(with: other)
        let normsA = squaredNorms, normsB = other.squaredNorms
        var result = dot
        for i in 0..<rows {
            for j in 0..<other.rows {
                result[i * other.rows + j] = max(0, normsA[i] + normsB[j] - 2 * dot[i * other.rows + j])
            }
        }
        return result
    }

    var squaredNorms: [Double] {
        (0..<rows).map { row in (0..<dimension).reduce(0) { $0 + values[row * dimension + $1] * values[row * dimension + $1] } }
    }
}

func requireSameDimension(_ a: FeatureMatrix, _ b: FeatureMatrix, metric: String) throws {
    guard a.dimension == b.dimension else {
        throw TensorError.shapeMismatch(operation: metric, lhs: [a.rows, a.dimension], rhs: [b.rows, b.dimension],
                                        expected: "real and generated features must have the same dimension")
    }
}
