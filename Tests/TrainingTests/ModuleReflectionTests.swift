import Foundation
import NeuralNet
import TensorCore
import Testing
import Training

/// A model that keeps layers in a dictionary and in an array, and a parameter in a dictionary.
final class LevelsModel: Module, Layer {
    let levels: [Linear]
    let blocks: [String: Linear]
    let scales: [String: Parameter]

    init(random: inout RandomStream) throws {
        levels = try (0..<3).map { _ in try Linear(inputFeatures: 2, outputFeatures: 2, random: &random) }
        blocks = ["encoder": try Linear(inputFeatures: 2, outputFeatures: 2, random: &random),
                  "decoder": try Linear(inputFeatures: 2, outputFeatures: 2, random: &random)]
        scales = ["output": Parameter(wrappedValue: Tensor([1, 1]))]
        super.init()
    }

    func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input
        for level in levels { x = try relu(level(x)) }
        return try blocks["decoder"]!(blocks["encoder"]!(x)) * scales["output"]!.wrappedValue
    }
}

/// Modules kept where reflection cannot walk them.
final class TupleModel: Module {
    let pair: (Linear, Linear)
    init(random: inout RandomStream) throws {
        pair = (try Linear(inputFeatures: 1, outputFeatures: 1, random: &random),
                try Linear(inputFeatures: 1, outputFeatures: 1, random: &random))
        super.init()
    }
}

struct Wrapper { let layer: Linear }

final class StructModel: Module {
    let wrapped: Wrapper
    init(random: inout RandomStream) throws {
        wrapped = Wrapper(layer: try Linear(inputFeatures: 1, outputFeatures: 1, random: &random))
        super.init()
    }
}

@Suite struct ModuleReflectionTests {
    @Test func arraysAndDictionariesAreWalkedInSortedKeyOrder() throws {
        var random = RandomStream(seed: 1)
        let model = try LevelsModel(random: &random)
        #expect(model.namedParameters.map(\.path) == [
            "scales.output",
            "levels.0.weight", "levels.0.bias", "levels.1.weight", "levels.1.bias", "levels.2.weight", "levels.2.bias",
            "blocks.decoder.weight", "blocks.decoder.bias", "blocks.encoder.weight", "blocks.encoder.bias",
        ])
        #expect(model.namedChildren.map(\.name) == ["levels.0", "levels.1", "levels.2", "blocks.decoder", "blocks.encoder"])
    }

    /// Every layer of the model trains, and a checkpoint saves and loads each under its path.
    @Test func everyLayerTrainsAndRoundTripsThroughACheckpoint() throws {
        var random = RandomStream(seed: 2)
        let model = try LevelsModel(random: &random)
        let before = model.namedParameters.map { ($0.path, $0.parameter.tensor.scalars) }
        let player = try Player(name: "model", module: model, optimizer: Adam(for: model, learningRate: 0.01)) { batch, _ in
            PlayerLoss(try square(model(batch.inputs) - 1).mean())
        }
        let procedure = try TrainingProcedure(players: [player], batchSize: 8, seed: 0) { n, r in
            try Batch(inputs: r.normal([n, 2]))
        }
        for _ in 0..<3 { try procedure.trainIteration() }
        for (path, scalars) in before {
            let now = model.namedParameters.first { $0.path == path }!.parameter.tensor.scalars
            #expect(now != scalars, "\(path) did not train")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reflection-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try procedure.saveCheckpoint(to: folder + "/checkpoint.h5", metadata: [:])
        var other = RandomStream(seed: 3)
        let copy = try LevelsModel(random: &other)
        try Checkpoint.restore(from: folder + "/checkpoint.h5", modules: ["model": copy])
        #expect(copy.namedParameters.map { $0.parameter.tensor.scalars } == model.namedParameters.map { $0.parameter.tensor.scalars })
        let contents = try Checkpoint.inspect(folder + "/checkpoint.h5")
        #expect(contents.moduleNames == ["model"])
    }

    @Test func anUnwalkableContainerIsNamed() throws {
        var random = RandomStream(seed: 4)
        let tuple = try TupleModel(random: &random)
        #expect(throws: ModuleReflectionError(property: "TupleModel.pair", container: "a tuple of type (Linear, Linear)")) {
            try tuple.checkReflectable()
        }
        let wrapped = try StructModel(random: &random)
        do {
            try wrapped.checkReflectable()
            Issue.record("a struct holding a layer must not be skipped")
        } catch let error as ModuleReflectionError {
            #expect(error.property == "StructModel.wrapped" && error.description.contains("a struct of type Wrapper"))
        }
        #expect(throws: ModuleReflectionError.self) {
            try Player(name: "p", module: wrapped, optimizer: SGD(for: wrapped, learningRate: 1)) { _, _ in PlayerLoss(Tensor(0)) }
        }
    }

    /// Asked for its parameters, such a model stops the process with the message rather than
    /// train only part of itself.
    @Test func readingTheParametersOfAnUnwalkableModelStops() async {
        await #expect(processExitsWith: .failure) {
            var random = RandomStream(seed: 5)
            let model = try TupleModel(random: &random)
            _ = model.namedParameters
        }
    }
}

/// A module that reaches one layer twice (a stored alias): its parameters would be stepped twice.
private final class AliasedModel: Module, Layer {
    let layer: Linear
    let alias: Linear

    init(random: inout RandomStream) throws {
        layer = try Linear(inputFeatures: 2, outputFeatures: 1, random: &random)
        alias = layer
        super.init()
    }

    func callAsFunction(_ input: Tensor) throws -> Tensor { try layer(input) }
}

/// A player refuses a module whose parameter is reachable under two paths, naming both.
@Test func aParameterReachableTwiceIsRefused() throws {
    var random = RandomStream(seed: 4)
    let model = try AliasedModel(random: &random)
    #expect(throws: TrainingError.self) {
        try Player(name: "model", module: model, optimizer: Adam(for: model, learningRate: 0.01)) { batch, _ in
            PlayerLoss(try model(batch.inputs).mean())
        }
    }
}
