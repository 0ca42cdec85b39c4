import Adversarial
import Datasets
import GenerativeModels
import NeuralNet
import TensorCore

enum Scratch {
    static func run(into table: inout BenchmarkTable) throws {
        let mixture = try GaussianMixture2D.squares()
        var random = RandomStream(seed: 7)
        let w = 512
        let g = try Sequential.perceptron(inputSize: 2, hiddenSizes: [w, w, w], outputSize: 2, random: &random)
        let d = try AdversarialMethod.gan.makeVectorDiscriminator(VectorDiscriminatorShape(inputSize: 2, hiddenSizes: [w, w, w]), random: &random)
        let adam = try Adam(for: d)
        let z = random.normal([64, 2])
        let real = try mixture.sample(count: 64, random: &random)
        let obj = NonSaturatingObjective()
        try table.measure("G forward no grad") { _ = try withoutGradient { try g(z) } }
        let fake = try withoutGradient { try g(z) }
        try table.measure("D fwd one batch, grad mode") { _ = try d(real) }
        try table.measure("D loss value+grad") {
            _ = try valueAndGradient(of: d) { try obj.discriminatorLoss(d, real: real, generated: fake, random: &random) }
        }
        let (_, grads) = try valueAndGradient(of: d) { try obj.discriminatorLoss(d, real: real, generated: fake, random: &random) }
        try table.measure("Adam step D") { try adam.step(gradients: grads) }
        try table.measure("trainable params reflection") { _ = d.trainableParameters }
        try table.measure("G step") {
            _ = try d.withParametersFrozen { try valueAndGradient(of: g) { try obj.generatorLoss(d, real: real, generated: g(z), random: &random) } }
        }
        let x = random.normal([64, 512]), wt = random.normal([512, 512])
        try table.measure("matmul 64x512x512 nt") { _ = try x.matmul(wt, transposeOther: true) }
        let b = random.normal([512])
        try table.measure("add bias [64,512]+[512]") { _ = try x + b }
        try table.measure("relu [64,512]") { _ = relu(x) }
    }
}
