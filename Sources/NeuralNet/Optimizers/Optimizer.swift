import TensorCore

/// Updates a module's trainable parameters in place from gradients keyed by parameter path.
///
/// ```swift
/// let optimizer = try Adam(for: model, learningRate: 2e-4, beta1: 0.5)
/// let (loss, gradients) = try valueAndGradient(of: model) { try lossFunction(model(x)) }
/// try optimizer.step(gradients: gradients)
/// ```
public protocol Optimizer: CheckpointableState {
    /// The module whose trainable parameters `step` updates.
    var module: Module { get }
    /// Step size; change it between steps for a schedule.
    var learningRate: Float { get set }
    /// Number of completed `step` calls (Adam's and Adamax's bias correction uses it).
    var stepCount: Int { get }
    /// One update of every trainable parameter that has a gradient in `gradients`
    /// (parameters without one are skipped; frozen parameters are never touched).
    /// Throws, before changing anything, when a gradient's shape differs from its
    /// parameter's.
    func step(gradients: Gradients) throws
    /// `step(gradients:)` over the module's parameters listed beforehand
    /// (`module.namedParameters`, which a training loop lists once instead of by reflection
    /// every step); frozen ones are skipped.
    func step(gradients: Gradients, parameters: NamedParameters) throws
    /// A copy of the per-parameter state, for checkpoints.
    var state: OptimizerState { get }
    /// Replaces the per-parameter state and step count with a checkpointed one.
    func restore(_ state: OptimizerState) throws
}

/// An optimiser's checkpointable state: the step count and one tensor per parameter and
/// state variable, keyed `"<parameter path>.<state name>"` (`layers.0.weight.exp_avg`),
/// with PyTorch's state names (`momentum_buffer`, `exp_avg`, `exp_avg_sq`, `exp_inf`).
public struct OptimizerState {
    public var stepCount: Int
    public var tensors: [String: Tensor]

    public init(stepCount: Int, tensors: [String: Tensor]) {
        self.stepCount = stepCount
        self.tensors = tensors
    }
}

/// Errors of optimiser construction, steps and state restoration.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    /// A hyperparameter outside its valid range.
    case invalidHyperparameter(optimizer: String, detail: String)
    /// A gradient whose shape differs from its parameter's.
    case gradientShapeMismatch(optimizer: String, path: String, parameter: [Int], gradient: [Int])
    /// A checkpointed state that does not fit the module or optimiser.
    case invalidState(optimizer: String, detail: String)
    /// After a step, a parameter or state variable holds infinities or NaNs (`path` is
    /// `layers.0.weight` or `layers.0.weight.exp_avg_sq`); the step was completed.
    case nonFiniteState(optimizer: String, path: String, count: Int)

    public var description: String {
        switch self {
        case let .invalidHyperparameter(optimizer, detail):
            return "\(optimizer): \(detail)"
        case let .gradientShapeMismatch(optimizer, path, parameter, gradient):
            return "\(optimizer).step: the gradient for '\(path)' has shape \(gradient) but the parameter has shape \(parameter); "
                + "pass gradients computed for this module (valueAndGradient(of:))"
        case let .invalidState(optimizer, detail):
            return "\(optimizer).restore: \(detail)"
        case let .nonFiniteState(optimizer, path, count):
            return "\(optimizer).step: '\(path)' holds \(count) infinite or NaN values after the step (a gradient too "
                + "large for float32); lower the learning rate or clip the gradients"
        }
    }
}
