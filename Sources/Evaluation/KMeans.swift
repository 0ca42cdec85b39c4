import TensorCore

/// Lloyd's k-means with k-means++ seeding (Arthur & Vassilvitskii 2007) on the rows of a
/// feature matrix: the clustering behind the PRD curves (`PrecisionRecallDistributions`).
/// Deterministic given its random stream; distances through GEMM in Float64.
public struct KMeans: Sendable {
    /// `[clusters, D]` row-major.
    public let centres: [Double]
    /// The cluster of each input row.
    public let assignments: [Int]
    public let clusters: Int
    /// Lloyd iterations until no assignment changed (or the limit).
    public let iterations: Int

    /// Clusters `features` (`N ≥ clusters` rows) into `clusters` groups: k-means++ seeds, then
    /// at most `maximumIterations` Lloyd steps (assign to the nearest centre, move each centre
    /// to its members' mean; an emptied cluster keeps its centre).
    public init(_ features: FeatureMatrix, clusters: Int, maximumIterations: Int = 100, random: inout RandomStream) throws {
        guard clusters >= 1, features.rows >= clusters else {
            throw TensorError.invalidArgument(operation: "KMeans",
                                              detail: "\(clusters) clusters need at least as many rows (got \(features.rows))")
        }
        let d = features.dimension
        var centres = Self.seeds(features, clusters: clusters, random: &random)
        var assignments = [Int](repeating: -1, count: features.rows)
        var iterations = 0
        while iterations < maximumIterations {
            iterations += 1
            let nearest = Self.nearest(features, centres: centres, clusters: clusters)
            if nearest == assignments { break }
            assignments = nearest
            var sums = [Double](repeating: 0, count: clusters * d), counts = [Int](repeating: 0, count: clusters)
            for (row, cluster) in assignments.enumerated() {
                counts[cluster] += 1
                for j in 0..<d { sums[cluster * d + j] += features.values[row * d + j] }
            }
            for cluster in 0..<clusters where counts[cluster] > 0 {
                for j in 0..<d { centres[cluster * d + j] = sums[cluster * d + j] / Double(counts[cluster]) }
            }
        }
        self.centres = centres
        self.assignments = assignments
        self.clusters = clusters
        self.iterations = iterations
    }

    /// k-means++: the first centre uniformly, each next one a row drawn with probability
    /// proportional to its squared distance to the nearest centre chosen so far.
    private static func seeds(_ features: FeatureMatrix, clusters: Int, random: inout RandomStream) -> [Double] {
        let d = features.dimension
        func row(_ i: Int) -> ArraySlice<Double> { features.values[(i * d)..<((i + 1) * d)] }
        var centres = Array(row(random.integer(in: 0..<features.rows)))
        var closest = [Double](repeating: .infinity, count: features.rows)
        for _ in 1..<clusters {
            let latest = FeatureMatrix(rows: 1, dimension: d, values: Array(centres.suffix(d)))
            let distances = features.squaredDistances(to: latest)
            for i in 0..<features.rows { closest[i] = min(closest[i], distances[i]) }
            let total = closest.reduce(0, +)
            var chosen = features.rows - 1
            if total > 0 {
                let block = random.nextBlock()
                var target = Double(UInt64(block.0) | UInt64(block.1) << 32) * 0x1p-64 * total  // uniform in [0, total)
                for i in 0..<features.rows {
                    target -= closest[i]
                    if target < 0 { chosen = i; break }
                }
            } else {
                chosen = random.integer(in: 0..<features.rows)  // every row sits on a centre
            }
            centres += row(chosen)
        }
        return centres
    }

    /// The index of the nearest centre of every row (the first on ties).
    private static func nearest(_ features: FeatureMatrix, centres: [Double], clusters: Int) -> [Int] {
        let matrix = FeatureMatrix(rows: clusters, dimension: features.dimension, values: centres)
        let distances = features.squaredDistances(to: matrix)
        return (0..<features.rows).map { row in
            var best = 0
            for cluster in 1..<clusters where distances[row * clusters + cluster] < distances[row * clusters + best] {
                best = cluster
            }
            return best
        }
    }
}
