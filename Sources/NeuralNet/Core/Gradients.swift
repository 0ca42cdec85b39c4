import TensorCore

/// Gradients of a scalar loss, keyed by parameter path (`disc.layers.2.weight`).
public struct Gradients {
    public var byPath: [String: Tensor]

    public init(byPath: [String: Tensor] = [:]) { self.byPath = byPath }

    public subscript(path: String) -> Tensor? {
        get { byPath[path] }
        set { byPath[path] = newValue }
    }

    public var paths: [String] { byPath.keys.sorted() }
}

/// Evaluates `loss` (which must return one scalar) and its gradient with respect to every
/// trainable parameter of `module`, keyed by path.
///
/// With `createGraph: true` the gradients are themselves differentiable, for penalties
/// on gradient norms (WGAN-GP, R1).
public func valueAndGradient(of module: Module, createGraph: Bool = false,
                             _ loss: () throws -> Tensor) throws -> (value: Tensor, gradients: Gradients) {
    try valueAndGradient(wrt: module.namedParameters, createGraph: createGraph, loss)
}

/// `valueAndGradient(of:)` over parameters listed beforehand (`module.namedParameters`, listed
/// once by a training loop instead of by reflection every step); frozen ones are skipped.
public func valueAndGradient(wrt listed: NamedParameters, createGraph: Bool = false,
                             _ loss: () throws -> Tensor) throws -> (value: Tensor, gradients: Gradients) {
    let parameters = listed.filter { $0.parameter.isTrainable }
    let value = try GradMode.with(enabled: true, loss)
    guard value.count == 1 else {
        throw TensorError.invalidShape(operation: "valueAndGradient(of:)", shape: value.shape,
                                       expected: "the loss must be a single scalar; reduce it with mean() or sum()")
    }
    let grads = try gradients(of: value, wrt: parameters.map(\.parameter.tensor), createGraph: createGraph)
    var result = Gradients()
    for ((path, _), g) in zip(parameters, grads) { result[path] = g }
    return (createGraph ? value : value.detached, result)
}
