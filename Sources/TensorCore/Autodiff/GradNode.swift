/// A node of the reverse-mode autodiff graph recorded as operations run.
///
/// An operation node keeps the nodes of its inputs, its output's value and shape, and a
/// backward rule mapping the gradient of the output to the gradients of the inputs.
/// Backward rules are written with differentiable tensor operations, so running them
/// while recording yields a graph for second-order gradients (gradient penalties).
public final class GradNode {
    /// Maps (gradient of the output, the output itself) to one gradient per input
    /// (`nil` where an input does not need one).
    public typealias Backward = (_ outputGradient: Tensor, _ output: Tensor) throws -> [Tensor?]

    public let inputs: [GradNode?]
    let backward: Backward?
    let outputShape: [Int]
    /// The output value, kept so rules such as exp's can reuse it; rebuilt into a tensor
    /// attached to this node when the rule runs, so second-order terms stay connected.
    let outputStorage: TensorStorage?
    /// Human-readable name of the operation, for error messages and debugging.
    public let operation: String

    init(leafOfShape shape: [Int]) {
        inputs = []
        backward = nil
        outputShape = shape
        outputStorage = nil
        operation = "leaf"
    }

    init(operation: String, inputs: [GradNode?], output: Tensor, backward: @escaping Backward) {
        self.operation = operation
        self.inputs = inputs
        self.backward = backward
        outputShape = output.shape
        outputStorage = output.storage
    }

    public var isLeaf: Bool { backward == nil }
}

/// Whether operations record the autodiff graph. Off inside `withoutGradient`.
///
/// The mode is task-local (thread-local outside Swift concurrency), so a
/// `withoutGradient` scope on one thread or task never switches recording off for code
/// running concurrently elsewhere (parallel tests, data-loading workers).
public enum GradMode {
    @TaskLocal private static var recording = true

    /// Whether the current task or thread records the autodiff graph.
    public static var isEnabled: Bool { recording }

    /// Runs `body` with graph recording set to `enabled`, restoring the previous mode.
    @discardableResult
    public static func with<R>(enabled: Bool, _ body: () throws -> R) rethrows -> R {
        try $recording.withValue(enabled, operation: body)
    }
}

/// Runs `body` without recording the autodiff graph (evaluation, optimiser updates).
@discardableResult
public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.with(enabled: false, body)
}

extension Tensor {
    /// Attaches a backward rule to the freshly computed `self` when recording is on and
    /// any of `inputs` takes part in the graph. Every differentiable op calls this.
    public func recording(_ operation: String, inputs: [Tensor], backward: @escaping GradNode.Backward) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.gradNode != nil }) else { return self }
        var result = self
        result.gradNode = GradNode(operation: operation, inputs: inputs.map(\.gradNode),
                                   output: self.detached, backward: backward)
        return result
    }
}
