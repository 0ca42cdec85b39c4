/// Reverse-mode differentiation over the recorded graph.
///
/// `gradients(of:wrt:)` walks the graph below `output` in reverse topological order,
/// accumulating each node's output gradient and applying its backward rule. With
/// `createGraph: true` the backward rules themselves are recorded, so the returned
/// gradients can be differentiated again (a gradient of a gradient).
public func gradients(of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil,
                      createGraph: Bool = false) throws -> [Tensor] {
    let targets = inputs.map(\.gradNode)
    guard let root = output.gradNode else { return inputs.map { Tensor.zeros($0.shape) } }
    let seedGradient = seed ?? Tensor.ones(output.shape)
    guard seedGradient.shape == output.shape else {
        throw TensorError.shapeMismatch(operation: "gradients(of:wrt:seed:)", lhs: output.shape,
                                        rhs: seedGradient.shape, expected: "the seed must have the output's shape")
    }
    let wanted = Set(targets.compactMap { $0.map(ObjectIdentifier.init) })
    let order = topologicalOrder(from: root, reaching: wanted)

    var accumulated: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seedGradient]
    var found: [ObjectIdentifier: Tensor] = [:]
    try GradMode.with(enabled: createGraph) {
        for node in order.reversed() {
            let key = ObjectIdentifier(node)
            guard let gradient = accumulated.removeValue(forKey: key) else { continue }
            if wanted.contains(key) { found[key] = gradient }
            guard let backward = node.backward else { continue }
            let outputTensor = Tensor(storage: node.outputStorage!, shape: node.outputShape, gradNode: node)
            let inputGradients = try backward(gradient, outputTensor)
            for (input, inputGradient) in zip(node.inputs, inputGradients) {
                guard let input, let inputGradient else { continue }
                let inputKey = ObjectIdentifier(input)
                if let existing = accumulated[inputKey] {
                    accumulated[inputKey] = try existing + inputGradient
                } else {
                    accumulated[inputKey] = inputGradient
                }
            }
        }
    }
    // Inputs the output does not depend on get zeros, allocated only for them.
    return zip(inputs, targets).map { input, target in
        target.flatMap { found[ObjectIdentifier($0)] } ?? Tensor.zeros(input.shape)
    }
}

/// Nodes below `root` from which at least one of `wanted` can be reached, in an order
/// where every node comes after all of its inputs.
private func topologicalOrder(from root: GradNode, reaching wanted: Set<ObjectIdentifier>) -> [GradNode] {
    var reaches: [ObjectIdentifier: Bool] = [:]
    var order: [GradNode] = []
    // Iterative post-order DFS: (node, index of the next input to visit).
    var stack: [(GradNode, Int)] = [(root, 0)]
    var visiting: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    while let (node, next) = stack.popLast() {
        if next < node.inputs.count {
            stack.append((node, next + 1))
            if let input = node.inputs[next], !visiting.contains(ObjectIdentifier(input)) {
                visiting.insert(ObjectIdentifier(input))
                stack.append((input, 0))
            }
            continue
        }
        let key = ObjectIdentifier(node)
        let useful = wanted.contains(key)
            || node.inputs.contains { $0.map { reaches[ObjectIdentifier($0)] ?? false } ?? false }
        reaches[key] = useful
        if useful { order.append(node) }
    }
    return order
}

/// The value of `body(x)` and its gradient with respect to `x`, for a scalar-valued body.
public func valueAndGradient(at x: Tensor, in body: (Tensor) throws -> Tensor) throws -> (value: Tensor, gradient: Tensor) {
    let leaf = x.requiringGradient()
    let value = try body(leaf)
    guard value.count == 1 else {
        throw TensorError.invalidShape(operation: "valueAndGradient", shape: value.shape,
                                       expected: "the function must return a single scalar")
    }
    let gradient = try gradients(of: value, wrt: [leaf])[0]
    return (value.detached, gradient)
}

/// The gradient of a scalar-valued `body` at `x`.
public func gradient(at x: Tensor, in body: (Tensor) throws -> Tensor) throws -> Tensor {
    try valueAndGradient(at: x, in: body).gradient
}
