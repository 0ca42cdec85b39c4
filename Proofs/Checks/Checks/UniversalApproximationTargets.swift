/// The continuous permutation-invariant functions that the universal-approximation experiment
/// (Theorem 1, spec §3.9.2, check E4.T6) fits: functions of a set of `n` elements of `R^d`, given
/// as the rows `[n][d]` of a batch.
enum SymmetricTarget: String, CaseIterable, Sendable {
    /// Population standard deviation of scalar elements, `√((1/n) Σ (x_i − x̄)²)`.
    case standardDeviation = "std"
    /// `max_i x_i` of scalar elements.
    case maximum = "max"
    /// The second-largest of the scalar elements (with multiplicity: `{1, 1, 0}` gives 1).
    case secondLargest = "second-largest"
    /// `Σ_i x_i³` of scalar elements: a power sum, so `n·mean(x³)` — an average of a per-element
    /// function, which the Deep-Sets ablation can represent.
    case sumOfCubes = "sum-of-cubes"
    /// `max_i ‖x_i‖₂` of elements of `R²`: symmetric and not a polynomial.
    case largestNorm = "max-norm"

    /// `d`, the size of each element.
    var elementDimension: Int { self == .largestNorm ? 2 : 1 }

    /// Whether the target is `(1/n) Σ_i g(x_i)` for some `g`: the only targets a network whose
    /// elements interact solely through the final mean reduction can represent.
    var isAverageOfElementFunction: Bool { self == .sumOfCubes }

    /// The value on one set; `set` holds `n ≥ 2` rows of `elementDimension` numbers.
    func value(of set: [[Double]]) -> Double {
        switch self {
        case .standardDeviation:
            let values = set.map { $0[0] }
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        case .maximum:
            return set.map { $0[0] }.max()!
        case .secondLargest:
            return set.map { $0[0] }.sorted(by: >)[1]
        case .sumOfCubes:
            return set.map { $0[0] * $0[0] * $0[0] }.reduce(0, +)
        case .largestNorm:
            return set.map { row in row.map { $0 * $0 }.reduce(0, +).squareRoot() }.max()!
        }
    }
}
