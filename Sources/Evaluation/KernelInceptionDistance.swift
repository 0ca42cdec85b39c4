import TensorCore

/// The kernel distance (KID when the features come from Inception; Bińkowski et al. 2018):
/// the unbiased estimate of the squared MMD with the polynomial kernel
/// `k(x, y) = (xᵀy / D + 1)³`,
///
///     MMD²_u = Σ_{i≠j} k(x_i, x_j) / (m(m−1)) + Σ_{i≠j} k(y_i, y_j) / (n(n−1)) − 2 Σ_{i,j} k(x_i, y_j) / (mn)
///
/// in Float64. Its expectation is 0 when both sets come from one distribution, so single
/// estimates can be slightly negative. Inputs `[m, D]` and `[n, D]`, m, n ≥ 2.
public func kernelDistance(real: Tensor, generated: Tensor) throws -> Double {
    let x = try FeatureMatrix(real, minimumRows: 2, role: "real features")
    let y = try FeatureMatrix(generated, minimumRows: 2, role: "generated features")
    try requireSameDimension(x, y, metric: "kernelDistance")
    let d = Double(x.dimension)
    func kernelSum(_ a: FeatureMatrix, _ b: FeatureMatrix, skipDiagonal: Bool) -> Double {
        let products = a.products(with: b)
        var total = 0.0
        for i in 0..<a.rows {
            for j in 0..<b.rows where !(skipDiagonal && i == j) {
                let base = products[i * b.rows + j] / d + 1
                total += base * base * base
            }
        }
        return total
    }
    let m = Double(x.rows), n = Double(y.rows)
    return kernelSum(x, x, skipDiagonal: true) / (m * (m - 1)) + kernelSum(y, y, skipDiagonal: true) / (n * (n - 1))
        - 2 * kernelSum(x, y, skipDiagonal: false) / (m * n)
}
