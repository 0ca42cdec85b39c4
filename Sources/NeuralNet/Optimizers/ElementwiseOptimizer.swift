import CKernels
import TensorCore

/// An optimiser defined by one elementwise update rule applied to each parameter, with
/// per-parameter state variables keyed by parameter path.
///
/// A conforming type declares its state names and `update(_:)`; stepping, shape checks,
/// state allocation and checkpoint export/import are shared (this extension).
public protocol ElementwiseOptimizer: Optimizer {
    /// Name used in error messages (`"Adam"`).
    var name: String { get }
    /// Names of the per-parameter state variables (`["exp_avg", "exp_avg_sq"]`); each is
    /// a tensor of the parameter's shape, zero when created.
    var stateNames: [String] { get }
    /// Storage of the per-parameter state and the step count.
    var store: OptimizerStateStore { get }
    /// Applies the rule to one parameter's scalars, in place. Returns how many elements of
    /// the parameter or its state became infinite or NaN when the rule counts them as it
    /// writes (Adam's fused kernel), or nil, and `step` counts them in a second pass.
    ///
    /// A large parameter is updated in parts (runs of whole 16-scalar groups) on the kernel
    /// threads at once, so the rule must be elementwise and may not change the optimiser's
    /// own properties.
    func update(_ slot: ParameterSlot) -> Int?
}

/// Raw views of one parameter's scalars, its gradient and its state during an update.
public struct ParameterSlot {
    /// The parameter's scalars, updated in place.
    public let parameter: UnsafeMutablePointer<Float>
    public let gradient: UnsafePointer<Float>
    /// One buffer per state name, in `stateNames` order.
    public let state: [UnsafeMutablePointer<Float>]
    public let count: Int
    /// The step being taken, from 1.
    public let step: Int
    /// True when the state was just created (zero-filled) for this step.
    public let isFreshState: Bool
}

extension ParameterSlot {
    /// The scalars processed together (16: one AVX-512 register).
    public typealias Lanes = SIMD16<Float>

    /// The slot's scalars `range` (the step and freshness unchanged).
    func part(_ range: Range<Int>) -> ParameterSlot {
        ParameterSlot(parameter: parameter + range.lowerBound, gradient: gradient + range.lowerBound,
                      state: state.map { $0 + range.lowerBound }, count: range.count, step: step,
                      isFreshState: isFreshState)
    }

    /// Applies `rule(parameter, gradient, state0, state1)` to every group of 16 scalars
    /// (the last group zero-padded), writing back the parameter and the first two state
    /// buffers; a rule with fewer states gets zero lanes for the others, and what it
    /// writes there is dropped. Written once over SIMD lanes, a rule vectorises although
    /// the compiler cannot prove that the buffers do not alias.
    @inline(__always)
    public func forEachLanes(_ rule: (inout Lanes, Lanes, inout Lanes, inout Lanes) -> Void) {
        let width = Lanes.scalarCount
        let states = (state.count > 0 ? state[0] : nil, state.count > 1 ? state[1] : nil)
        var offset = 0
        while offset < count {
            let n = min(width, count - offset)
            var p = Self.load(parameter + offset, n), g = Self.load(gradient + offset, n)
            var s0 = states.0.map { Self.load($0 + offset, n) } ?? Lanes()
            var s1 = states.1.map { Self.load($0 + offset, n) } ?? Lanes()
            rule(&p, g, &s0, &s1)
            Self.store(p, parameter + offset, n)
            if let s = states.0 { Self.store(s0, s + offset, n) }
            if let s = states.1 { Self.store(s1, s + offset, n) }
            offset += width
        }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>, _ n: Int) -> Lanes {
        if n == Lanes.scalarCount { return UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self) }
        var lanes = Lanes()
        for i in 0..<n { lanes[i] = pointer[i] }
        return lanes
    }

    @inline(__always)
    private static func load(_ pointer: UnsafeMutablePointer<Float>, _ n: Int) -> Lanes {
        load(UnsafePointer(pointer), n)
    }

    @inline(__always)
    private static func store(_ lanes: Lanes, _ pointer: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == Lanes.scalarCount {
            UnsafeMutableRawPointer(pointer).storeBytes(of: lanes, as: Lanes.self)
        } else {
            for i in 0..<n { pointer[i] = lanes[i] }
        }
    }
}

/// Per-parameter optimiser state: for each parameter path, one buffer per state name.
public final class OptimizerStateStore {
    public internal(set) var stepCount = 0
    private var buffers: [String: (shape: [Int], storages: [TensorStorage])] = [:]

    public init() {}

    /// The buffers of `path`, created zero-filled when missing (`isFresh` then true).
    func buffers(for path: String, shape: [Int], count: Int) -> (storages: [TensorStorage], isFresh: Bool) {
        if let existing = buffers[path], existing.shape == shape { return (existing.storages, false) }
        let created = (0..<count).map { _ in TensorStorage(repeating: 0, count: Shape.count(shape)) }
        buffers[path] = (shape, created)
        return (created, true)
    }

    /// Copies of every buffer, keyed `"<path>.<state name>"`.
    func export(names: [String]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (path, entry) in buffers {
            for (name, storage) in zip(names, entry.storages) {
                result["\(path).\(name)"] = Tensor(storage: TensorStorage(copying: storage.pointer, count: storage.count),
                                                   shape: entry.shape)
            }
        }
        return result
    }

    /// Replaces all buffers and the step count.
    func replace(with entries: [String: (shape: [Int], storages: [TensorStorage])], stepCount: Int) {
        buffers = entries
        self.stepCount = stepCount
    }
}

extension ElementwiseOptimizer {
    public var stepCount: Int { store.stepCount }

    public func step(gradients: Gradients) throws {
        try step(gradients: gradients, parameters: module.namedParameters)
    }

    public func step(gradients: Gradients, parameters: NamedParameters) throws {
        // Check every shape first, so a bad gradient leaves all parameters untouched.
        let work = try parameters.compactMap { path, parameter -> (String, Parameter, Tensor)? in
            guard parameter.isTrainable, let gradient = gradients[path] else { return nil }
            guard gradient.shape == parameter.shape else {
                throw OptimizerError.gradientShapeMismatch(optimizer: name, path: path,
                                                           parameter: parameter.shape, gradient: gradient.shape)
            }
            return (path, parameter, gradient)
        }
        var firstNonFinite: (path: String, count: Int)?
        // Moments that decay into the subnormal range become zero instead of slowing every later
        // step (see `withSubnormalsFlushedToZero`).
        withoutGradient { withSubnormalsFlushedToZero {
            store.stepCount += 1
            let step = store.stepCount
            for (path, parameter, gradient) in work {
                let (storages, isFresh) = store.buffers(for: path, shape: parameter.shape, count: stateNames.count)
                let state = storages.map(\.pointer)
                gradient.withUnsafeScalars { g in
                    parameter.update { p, n in
                        let counted = updateInParts(ParameterSlot(parameter: p, gradient: g, state: state, count: n,
                                                                  step: step, isFreshState: isFresh))
                        // Divergence shows first in the state (an overflowing g² in Adam's v) while
                        // the loss stays finite; the rule's own count, or one pass over what was
                        // just written, catches it; the pass then names the tensor.
                        guard firstNonFinite == nil, counted ?? 1 > 0 else { return }
                        firstNonFinite = firstNonFiniteBuffer(parameter: p, state: state, count: n).map { index, count in
                            (index == 0 ? path : "\(path).\(stateNames[index - 1])", count)
                        }
                    }
                }
            }
        } }
        if let (path, count) = firstNonFinite {
            throw OptimizerError.nonFiniteState(optimizer: name, path: path, count: count)
        }
    }

    /// `update(slot)`, split over the kernel threads when the parameter is large: each part is a
    /// run of whole `Lanes` groups, so every scalar takes the same vector or tail path as in one
    /// pass (the same bits), and flushes subnormals on the thread that runs it (the mode is per
    /// thread). Returns the parts' counts summed, or nil when the rule counts nothing.
    ///
    /// Parameters of 2¹⁸ scalars and more are split (`KernelThreads.minimumParallelWork`): a
    /// weight that large makes products of at least 2²⁴ multiply-adds from batch 64 up, which
    /// run on the same team (`GEMMBackend`). A split update beside products on OpenBLAS' own
    /// threads made a width-512 2D iteration 2–5× slower: the team's threads spin after a job,
    /// and OpenBLAS' then wait for a core; so with `MIXEDBATCH_GEMM=openblas` no update is split.
    private func updateInParts(_ slot: ParameterSlot) -> Int? {
        let width = ParameterSlot.Lanes.scalarCount
        let work = GEMMBackend.largeProductsRunOnTheTeam ? slot.count : 0
        // One count per part on the stack (every parameter passes here every step); -1: the
        // rule counts nothing.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: KernelThreads.count) { counts in
            counts.initialize(repeating: 0)
            KernelThreads.forEachPart(of: (slot.count + width - 1) / width, work: work) { groups, part in
                let scalars = groups.lowerBound * width ..< min(groups.upperBound * width, slot.count)
                guard !scalars.isEmpty else { return }
                counts[part] = withSubnormalsFlushedToZero { update(slot.part(scalars)) } ?? -1
            }
            return counts.contains(-1) ? nil : counts.reduce(0, +)
        }
    }

    /// The first of the parameter (index 0) and its state buffers (1…) holding infinities or
    /// NaNs, with how many, or nil.
    private func firstNonFiniteBuffer(parameter: UnsafeMutablePointer<Float>, state: [UnsafeMutablePointer<Float>],
                                      count: Int) -> (index: Int, count: Int)? {
        for index in 0...state.count {
            let nonFinite = mixedbatch_count_nonfinite(index == 0 ? parameter : state[index - 1], count)
            if nonFinite > 0 { return (index, nonFinite) }
        }
        return nil
    }

    public var state: OptimizerState {
        OptimizerState(stepCount: store.stepCount, tensors: store.export(names: stateNames))
    }

    public func restore(_ state: OptimizerState) throws {
        // Adam's bias correction raises β to the step count; beyond 2⁵³ steps a count is damage.
        guard (0...(1 << 53)).contains(state.stepCount) else {
            throw OptimizerError.invalidState(optimizer: name, detail: "the step count \(state.stepCount) is outside 0…2⁵³")
        }
        let shapes = Dictionary(module.namedParameters.map { ($0.path, $0.parameter.shape) }, uniquingKeysWith: { a, _ in a })
        var grouped: [String: [String: Tensor]] = [:]
        for (key, tensor) in state.tensors {
            guard let dot = key.lastIndex(of: "."), stateNames.contains(String(key[key.index(after: dot)...])) else {
                throw OptimizerError.invalidState(
                    optimizer: name, detail: "key '\(key)' does not end in one of this optimiser's state names \(stateNames)")
            }
            let path = String(key[..<dot])
            guard let shape = shapes[path] else {
                throw OptimizerError.invalidState(optimizer: name,
                                                  detail: "key '\(key)' names no parameter '\(path)' of the module")
            }
            guard tensor.shape == shape else {
                throw OptimizerError.invalidState(
                    optimizer: name, detail: "'\(key)' has shape \(tensor.shape) but parameter '\(path)' has shape \(shape)")
            }
            grouped[path, default: [:]][String(key[key.index(after: dot)...])] = tensor
        }
        var entries: [String: (shape: [Int], storages: [TensorStorage])] = [:]
        for (path, byName) in grouped {
            let missing = stateNames.filter { byName[$0] == nil }
            guard missing.isEmpty else {
                throw OptimizerError.invalidState(optimizer: name,
                                                  detail: "parameter '\(path)' lacks state \(missing.map { "'\(path).\($0)'" })")
            }
            entries[path] = (shapes[path]!, stateNames.map { name in
                byName[name]!.withUnsafeScalars { TensorStorage(copying: $0, count: byName[name]!.count) }
            })
        }
        store.replace(with: entries, stepCount: state.stepCount)
    }
}

/// Throws unless `value` satisfies `valid`; used to check hyperparameters.
func requireHyperparameter(_ valid: Bool, _ optimizer: String, _ detail: @autoclosure () -> String) throws {
    guard valid else { throw OptimizerError.invalidHyperparameter(optimizer: optimizer, detail: detail()) }
}
