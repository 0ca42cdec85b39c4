import TensorCore

/// Base class of every network component.
///
/// Parameters (`@Parameter`), buffers (`@Buffer`), random states (`@RandomState`) and
/// child modules (stored properties of a `Module` type, arrays of modules, optionals)
/// are discovered by reflection, under dotted paths such as `layers.2.weight` that are
/// also their dataset names in HDF5 checkpoints.
///
/// Modules are classes: a GAN uses one discriminator object in both of its steps.
open class Module {
    /// Training mode (dropout active, batch statistics in BatchNorm) or evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    /// Direct children with their property names (array elements are named by index).
    public var namedChildren: [(name: String, module: Module)] {
        var result: [(String, Module)] = []
        forEachStoredProperty { name, value in
            for (suffix, module) in Self.modules(in: value) {
                result.append((suffix.isEmpty ? name : "\(name).\(suffix)", module))
            }
        }
        return result
    }

    /// All parameters below this module, by dotted path, in declaration order.
    public var namedParameters: [(path: String, parameter: Parameter)] {
        collect { $0 as? Parameter }
    }

    /// All buffers below this module, by dotted path.
    public var namedBuffers: [(path: String, buffer: Buffer)] {
        collect { $0 as? Buffer }
    }

    /// All module-owned random states below this module, by dotted path.
    public var namedRandomStates: [(path: String, state: RandomState)] {
        collect { $0 as? RandomState }
    }

    /// Parameters that optimisers update.
    public var trainableParameters: [(path: String, parameter: Parameter)] {
        namedParameters.filter { $0.parameter.isTrainable }
    }

    /// Total number of scalars in the parameters.
    public var parameterCount: Int {
        namedParameters.reduce(0) { $0 + Shape.count($1.parameter.shape) }
    }

    /// Switches this module and all descendants to training mode.
    public func train() { setTraining(true) }

    /// Switches this module and all descendants to evaluation mode.
    public func eval() { setTraining(false) }

    private func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in namedChildren { child.setTraining(training) }
    }

    /// Stops (or resumes) training of every parameter below this module.
    public func freeze(_ frozen: Bool = true) {
        for (_, parameter) in namedParameters { parameter.isTrainable = !frozen }
    }

    // MARK: - Reflection

    private func forEachStoredProperty(_ body: (String, Any) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        var seen = Set<String>()
        while let current = mirror {
            for child in current.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                if seen.insert(label).inserted { body(label, child.value) }
            }
            mirror = current.superclassMirror
        }
    }

    /// Modules held by a property value: itself, array elements, an optional's payload.
    private static func modules(in value: Any) -> [(String, Module)] {
        if let module = value as? Module { return [("", module)] }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { modules(in: $0.value) } ?? []
        case .collection:
            return mirror.children.enumerated().flatMap { index, element in
                modules(in: element.value).map { suffix, m in (suffix.isEmpty ? "\(index)" : "\(index).\(suffix)", m) }
            }
        default:
            return []
        }
    }

    private func collect<T>(_ cast: (Any) -> T?) -> [(String, T)] {
        var result: [(String, T)] = []
        forEachStoredProperty { name, value in
            if let item = cast(value) { result.append((name, item)) }
        }
        for (name, child) in namedChildren {
            result += child.collect(cast).map { ("\(name).\($0.0)", $0.1) }
        }
        return result
    }
}

/// A module with one tensor in and one tensor out, composable in `Sequential`.
public protocol Layer: Module {
    func callAsFunction(_ input: Tensor) throws -> Tensor
}
