import TensorCore

/// Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union
/// of balls around its samples with radius the distance to their k-th nearest neighbour in
/// the same set.
public struct PrecisionRecall: Equatable, Sendable {
    /// Fraction of generated samples inside the real manifold (sample quality).
    public var precision: Double
    /// Fraction of real samples inside the generated manifold (coverage).
    public var recall: Double
    /// The neighbourhood size k.
    public var neighbours: Int
}

/// Precision and recall of `generated [n, D]` against `real [m, D]` with k-NN radii (k = 3
/// in the paper; each set needs more than k samples). Distances in Float64 through GEMM.
public func precisionRecall(real: Tensor, generated: Tensor, neighbours k: Int = 3) throws -> PrecisionRecall {
    guard k >= 1 else {
        throw TensorError.invalidArgument(operation: "precisionRecall", detail: "the neighbourhood size k = \(k) must be ≥ 1")
    }
    let x = try FeatureMatrix(real, minimumRows: k + 1, role: "real features")
    let y = try FeatureMatrix(generated, minimumRows: k + 1, role: "generated features")
    try requireSameDimension(x, y, metric: "precisionRecall")
    return PrecisionRecall(precision: coveredFraction(of: y, by: x, neighbours: k),
                           recall: coveredFraction(of: x, by: y, neighbours: k), neighbours: k)
}

/// The fraction of `queries` within the k-NN radius of at least one sample of `manifold`.
private func coveredFraction(of queries: FeatureMatrix, by manifold: FeatureMatrix, neighbours k: Int) -> Double {
    let within = manifold.squaredDistances(to: manifold)
    let radii = (0..<manifold.rows).map { i -> Double in
        // The k-th smallest distance to the others (index k counts the zero distance to itself).
        Array(within[(i * manifold.rows)..<((i + 1) * manifold.rows)]).sorted()[k]
    }
    let across = queries.squaredDistances(to: manifold)
    let covered = (0..<queries.rows).filter { q in
        (0..<manifold.rows).contains { across[q * manifold.rows + $0] <= radii[$0] }
    }
    return Double(covered.count) / Double(queries.rows)
}
