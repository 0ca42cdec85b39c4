import Foundation
import NeuralNet
import TensorCore

/// An exponential moving average of a module's parameters (Polyak averaging as PixelCNN++
/// and Glow evaluate with): after every optimiser step, `θ̄ ← d·θ̄ + (1 − d)·θ`, the first
/// step copying θ. Evaluate with `withAveragedParameters`; a checkpoint saves the averages
/// (`optimizers/<player>.average/<parameter path>`) and the update count.
public final class ParameterAveraging: CheckpointableState {
    public let module: Module
    public let decay: Float
    /// The module's parameters, listed when the average is created.
    private let parameters: NamedParameters
    private var averages: [String: Tensor] = [:]
    public private(set) var updateCount = 0

    public init(module: Module, decay: Float) throws {
        guard decay > 0, decay < 1 else {
            throw TrainingError.invalidSetting("the averaging decay \(decay) must be in (0, 1)")
        }
        self.module = module
        self.decay = decay
        parameters = module.namedParameters
    }

    /// Folds the current parameters into the averages.
    public func update() {
        updateCount += 1
        for (path, parameter) in parameters {
            let current = parameter.tensor
            guard updateCount > 1, var average = averages[path], average.shape == current.shape else {
                averages[path] = Self.copy(current)
                continue
            }
            averages[path] = nil  // unique, so the in-place update does not copy
            let keep = decay, take = 1 - decay
            current.withUnsafeScalars { p in
                average.withUnsafeMutableScalars { a in
                    for i in 0..<current.count { a[i] = keep * a[i] + take * p[i] }
                }
            }
            averages[path] = average
        }
    }

    /// The average of the parameter at `path`, or nil before the first update.
    public func average(of path: String) -> Tensor? { averages[path] }

    /// Runs `body` with the averaged parameters in the module, then puts the trained ones
    /// back. Before the first update the module is left as it is.
    public func withAveragedParameters<R>(_ body: () throws -> R) rethrows -> R {
        var saved: [(Parameter, Tensor)] = []
        for (path, parameter) in parameters {
            guard let average = averages[path] else { continue }
            saved.append((parameter, parameter.tensor.detached))
            parameter.wrappedValue = Self.copy(average)
        }
        defer { for (parameter, value) in saved { parameter.wrappedValue = value } }
        return try body()
    }

    public var checkpointState: CheckpointState {
        CheckpointState(tensors: averages.mapValues(Self.copy), counters: ["update_count": Int64(updateCount)])
    }

    public func restoreCheckpointState(_ state: CheckpointState) throws {
        let shapes = Dictionary(parameters.map { ($0.path, $0.parameter.shape) }, uniquingKeysWith: { a, _ in a })
        for (path, tensor) in state.tensors {
            guard let shape = shapes[path] else {
                throw OptimizerError.invalidState(optimizer: "ParameterAveraging", detail: "'\(path)' names no parameter of the module")
            }
            guard shape == tensor.shape else {
                throw OptimizerError.invalidState(optimizer: "ParameterAveraging",
                                                  detail: "'\(path)' has shape \(tensor.shape), the parameter \(shape)")
            }
        }
        guard let count = state.counters["update_count"], count >= 0 else {
            throw OptimizerError.invalidState(optimizer: "ParameterAveraging", detail: "the counter 'update_count' is missing")
        }
        averages = state.tensors.mapValues(Self.copy)
        updateCount = Int(count)
    }

    private static func copy(_ tensor: Tensor) -> Tensor {
        tensor.withUnsafeScalars { source in
            Tensor(shape: tensor.shape) { out, n in out.update(from: source, count: n) }
        }
    }
}
