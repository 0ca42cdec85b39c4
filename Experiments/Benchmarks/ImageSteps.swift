import Adversarial
import NeuralNet
import TensorCore
import Training

/// Issue 6's and 12's speed targets: one discriminator step and one generator step (forward,
/// backward, Adam) of the full-width SNGAN networks at 32×32, batch 64, with the per-sample
/// discriminator (GAN loss) and the equivariant one (M-BGAN loss) — the steps
/// `pytorch_reference_sngan.py` times in PyTorch.
enum ImageSteps {
    /// `widthMultiplier` 1/16 gives the networks of `make chapter4`'s default image scale.
    static func steps(widthMultiplier: Double = 1) throws -> [ComparedStep] {
        let shape = try ConvolutionalGANShape(imageSize: 32, widthMultiplier: widthMultiplier)
        let width = widthMultiplier == 1 ? "full width" : "width × \(widthMultiplier)"
        let suffix = widthMultiplier == 1 ? "" : "-w\(widthMultiplier)"  // the reference script's case ids
        return try [(ConvolutionalDiscriminatorForm.perSample, AdversarialMethod.gan), (.equivariant, .mbgan)].flatMap { form, method in
            var random = RandomStream(seed: 9)
            let procedure = try AdversarialTraining.procedure(
                generator: LatentGenerator(network: shape.makeGenerator(random: &random), latentSize: shape.latentSize),
                discriminator: shape.makeDiscriminator(form, random: &random), objective: method.makeObjective(),
                batchSize: 64, discriminatorSteps: 1, optimizer: OptimizerSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999),
                seed: 9, data: { count, random in try Batch(inputs: random.uniform([count, 3, 32, 32], low: -1, high: 1)) })
            return [
                ComparedStep(name: "SNGAN 32×32 \(form.rawValue) discriminator step (\(method.rawValue)), batch 64, \(width)",
                             note: "G forward, D forward + backward, Adam", script: "pytorch_reference_sngan.py",
                             referenceCase: "sngan-d-\(form.rawValue)\(suffix)", targetRatio: 0.8) {
                    try procedure.trainStep(of: "discriminator")
                },
                ComparedStep(name: "SNGAN 32×32 generator step against the \(form.rawValue) discriminator, batch 64, \(width)",
                             note: "G and D forward + backward, Adam on G", script: "pytorch_reference_sngan.py",
                             referenceCase: "sngan-g-\(form.rawValue)\(suffix)", targetRatio: 0.8) {
                    try procedure.trainStep(of: "generator")
                },
            ]
        }
    }
}
