import TensorCore

/// Base class of every network component.
///
/// Parameters (`@Parameter`), buffers (`@Buffer`), random states (`@RandomState`) and
/// child modules are discovered by reflection (`ModuleReflection`) under dotted paths such
/// as `layers.2.weight`, `levels.2.conv.weight` or `blocks.encoder.weight`, which are also
/// their dataset names in HDF5 checkpoints. Stored properties may hold them directly, in
/// optionals, in arrays (named by index) and in dictionaries keyed by `String` or `Int`
/// (named by key, in sorted key order). A container reflection cannot walk (a tuple, a
/// struct, an enum payload, a dictionary with other keys) that holds any of them stops the
/// walk with a message naming the property: a model never trains only part of itself.
///
/// Modules are classes: a GAN uses one discriminator object in both of its steps.
open class Module {
    /// Training mode (dropout active, batch statistics in BatchNorm) or evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    /// Direct children with their paths relative to this module (array elements are named
    /// by index, dictionary values by key).
    public var namedChildren: [(name: String, module: Module)] {
        reflectedMembers().compactMap { path, member in
            if case let .module(module) = member { return (path, module) }
            return nil
        }
    }

    /// All parameters below this module, by dotted path: this module's own (in declaration
    /// order) first, then each child's. Found by reflection over every stored property,
    /// which costs more than a small network's whole training step: a training loop lists
    /// them once (`Player.parameters`) and passes the list on.
    public var namedParameters: NamedParameters {
        collect { if case let .parameter(p) = $0 { return p } else { return nil } }
    }

    /// All buffers below this module, by dotted path.
    public var namedBuffers: [(path: String, buffer: Buffer)] {
        collect { if case let .buffer(b) = $0 { return b } else { return nil } }
    }

    /// All module-owned random states below this module, by dotted path.
    public var namedRandomStates: [(path: String, state: RandomState)] {
        collect { if case let .randomState(r) = $0 { return r } else { return nil } }
    }

    /// Parameters that optimisers update.
    public var trainableParameters: NamedParameters {
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

    /// Throws `ModuleReflectionError` naming the first property, anywhere below this module,
    /// whose modules or parameters reflection cannot walk. The properties above stop the
    /// process with the same message instead; call this to get it as an error (training
    /// procedures do, when they are built).
    public func checkReflectable() throws {
        for (_, member) in try ModuleReflection.members(of: self) {
            if case let .module(child) = member { try child.checkReflectable() }
        }
    }

    // MARK: - Reflection

    private func reflectedMembers() -> [(String, ModuleReflection.Member)] {
        do {
            return try ModuleReflection.members(of: self)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    private func collect<T>(_ cast: (ModuleReflection.Member) -> T?) -> [(String, T)] {
        var result: [(String, T)] = []
        var children: [(String, Module)] = []
        for (path, member) in reflectedMembers() {
            if case let .module(child) = member { children.append((path, child)) } else if let item = cast(member) {
                result.append((path, item))
            }
        }
        for (name, child) in children {
            result += child.collect(cast).map { ("\(name).\($0.0)", $0.1) }
        }
        return result
    }
}

/// Parameters with their dotted paths, in a module's order (`Module.namedParameters`).
public typealias NamedParameters = [(path: String, parameter: Parameter)]

/// A module with one tensor in and one tensor out, composable in `Sequential`.
public protocol Layer: Module {
    func callAsFunction(_ input: Tensor) throws -> Tensor
}
