import TensorCore

/// A categorical distribution over `classes` values per element (a 256-way softmax over
/// intensities, van den Oord et al.): logits `[B, classes, …]`, values `[B, …]` in
/// {0, …, classes − 1}.
public struct Categorical: Sendable {
    public let classes: Int

    public init(classes: Int = 256) throws {
        guard classes >= 2 else {
            throw TensorError.invalidArgument(operation: "Categorical", detail: "needs ≥ 2 classes, got \(classes)")
        }
        self.classes = classes
    }

    /// `ln P(values)` summed over every axis but the first: `[B]`.
    public func logLikelihood(of values: Tensor, logits: Tensor) throws -> Tensor {
        guard logits.rank >= 2, logits.shape[1] == classes,
              values.shape == [logits.shape[0]] + Array(logits.shape.dropFirst(2)) else {
            throw TensorError.shapeMismatch(operation: "Categorical.logLikelihood", lhs: logits.shape, rhs: values.shape,
                                            expected: "logits [B, \(classes), …] and values [B, …]")
        }
        let chosen = values.scalars
        guard chosen.allSatisfy({ $0 >= 0 && $0 < Float(classes) && $0 == $0.rounded() }) else {
            throw TensorError.invalidArgument(operation: "Categorical.logLikelihood",
                                              detail: "values must be integers in 0..<\(classes)")
        }
        let inner = values.count / max(1, values.shape[0])
        let indices = chosen.enumerated().map { index, value in
            ((index / inner) * classes + Int(value)) * inner + index % inner
        }
        let logProbabilities = try logSoftmax(logits, alongAxis: 1)
        return try sumOverRows(logProbabilities.gatherFlat(indices: indices, shape: values.shape))
    }
}
