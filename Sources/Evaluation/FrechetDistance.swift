import CBLAS
import TensorCore

/// The Fréchet distance between Gaussians fitted to two feature sets (FID when the features
/// come from Inception; spec §1.10, §7.2):
///
///     FD = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½
///
/// in Float64, through the symmetric form: Σ₁^½ from LAPACK's symmetric eigensolver
/// (`dsyevd`), then the eigenvalues of the symmetric `Σ₁^½ Σ₂ Σ₁^½`; eigenvalues that rounding
/// makes slightly negative are clamped to 0. Inputs `[N, D]`, N ≥ 2.
public func frechetDistance(real: Tensor, generated: Tensor) throws -> Double {
    let a = try FeatureMatrix(real, minimumRows: 2, role: "real features")
    let b = try FeatureMatrix(generated, minimumRows: 2, role: "generated features")
    try requireSameDimension(a, b, metric: "frechetDistance")
    return try frechetDistance(mean1: a.mean, covariance1: a.covariance, mean2: b.mean, covariance2: b.covariance)
}

/// The Fréchet distance between `N(μ₁, Σ₁)` and `N(μ₂, Σ₂)` (covariances `[D, D]` row-major,
/// symmetric positive semi-definite).
public func frechetDistance(mean1: [Double], covariance1: [Double], mean2: [Double], covariance2: [Double]) throws -> Double {
    let d = mean1.count
    guard mean2.count == d, covariance1.count == d * d, covariance2.count == d * d, d > 0 else {
        throw TensorError.invalidArgument(operation: "frechetDistance",
                                          detail: "means must be [D] and covariances [D, D] for one D ≥ 1")
    }
    let meanTerm = zip(mean1, mean2).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let trace1 = (0..<d).reduce(0) { $0 + covariance1[$1 * d + $1] }
    let trace2 = (0..<d).reduce(0) { $0 + covariance2[$1 * d + $1] }
    let root1 = try symmetricSquareRoot(covariance1, dimension: d)
    var temporary = [Double](repeating: 0, count: d * d), product = temporary
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, root1, Int32(d),
                covariance2, Int32(d), 0, &temporary, Int32(d))
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, temporary, Int32(d),
                root1, Int32(d), 0, &product, Int32(d))
    let crossTrace = try symmetricEigenvalues(product, dimension: d, vectors: false).values
        .reduce(0) { $0 + max($1, 0).squareRoot() }
    return max(0, meanTerm + trace1 + trace2 - 2 * crossTrace)
}

/// `S^½ = V diag(√max(λ, 0)) Vᵀ` of a symmetric matrix `[D, D]`.
func symmetricSquareRoot(_ matrix: [Double], dimension d: Int) throws -> [Double] {
    let (values, vectors) = try symmetricEigenvalues(matrix, dimension: d, vectors: true)
    var scaled = vectors  // columns of V times √λ
    for row in 0..<d {
        for column in 0..<d { scaled[row * d + column] *= max(values[column], 0).squareRoot() }
    }
    var result = [Double](repeating: 0, count: d * d)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(d), Int32(d), Int32(d), 1, scaled, Int32(d),
                vectors, Int32(d), 0, &result, Int32(d))
    return result
}

/// Eigenvalues (ascending) and, when asked, eigenvectors (columns, row-major `[D, D]`) of a
/// symmetric matrix, through `LAPACKE_dsyevd`.
func symmetricEigenvalues(_ matrix: [Double], dimension d: Int, vectors: Bool) throws -> (values: [Double], vectors: [Double]) {
    var a = matrix
    var w = [Double](repeating: 0, count: d)
    let status = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: vectors ? "V" : "N")), Int8(UInt8(ascii: "U")),
                                Int32(d), &a, Int32(d), &w)
    guard status == 0 else {
        throw TensorError.invalidArgument(operation: "symmetric eigensolver",
                                          detail: "LAPACK dsyevd failed with status \(status); the matrix has NaN or is not symmetric")
    }
    return (w, a)
}
