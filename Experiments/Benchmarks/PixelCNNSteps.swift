import Autoregressive
import NeuralNet
import TensorCore

/// Issue 12's PixelCNN++ target: one gated residual block pair of a PixelCNN++ stage at CIFAR
/// size — the down stream's block (2×3 down-shifted convolutions) and the down-right stream's
/// (2×2 down-right-shifted, with the down stream's output as its auxiliary input) — 160 filters,
/// 32×32, batch 16, dropout 0.5, forward and backward (the gradient of every parameter and both
/// inputs). A stage of the paper is five such pairs. `pytorch_reference_pixelcnn.py` times the
/// same pair in PyTorch.
enum PixelCNNSteps {
    static func steps() throws -> [ComparedStep] { try [gatedBlockPair()] + modelSteps() }

    /// Chapter 3's default PixelCNN++ (MNIST 28×28, 16 filters, 1 gated block per level, 2 levels,
    /// 3 logistics, no dropout): one training step (the mixture NLL of a batch of 32, forward and
    /// backward to every parameter; every convolution weight-normalised, the default) and drawing
    /// 4 images pixel by pixel (each row from passes over the rows above it). The reference
    /// script builds the same model.
    static func modelSteps() throws -> [ComparedStep] {
        var random = RandomStream(seed: 19)
        let architecture = PixelCNNArchitecture(filters: 16, resnetBlocks: 1, resolutions: 2, components: 3, dropout: 0)
        let model = try PixelCNNPlusPlus(imageShape: [1, 28, 28], architecture: architecture, random: &random)
        let images = (random.uniform([32, 1, 28, 28]) * 256).map { $0.rounded(.down) }
        let parameters = model.namedParameters.map(\.parameter.tensor)
        let count = parameters.reduce(0) { $0 + $1.count }
        var sampling = random.split("sampling")
        return [
            ComparedStep(name: "PixelCNN++ training step, 28×28, 16 filters, batch 32", note: "mixture NLL forward + backward, \(count) parameters",
                         script: "pytorch_reference_pixelcnn.py", referenceCase: "model-step", targetRatio: 0.8) {
                _ = try gradients(of: -model.logLikelihood(images).mean(), wrt: parameters)
            },
            ComparedStep(name: "PixelCNN++ sampling, 4 images of 28×28, 16 filters", note: "784 passes, row i over rows 0…i",
                         script: "pytorch_reference_pixelcnn.py", referenceCase: "model-sample", targetRatio: 0.8) {
                _ = try model.sample(count: 4, random: &sampling)
            },
        ]
    }

    static func gatedBlockPair() throws -> ComparedStep {
        var random = RandomStream(seed: 17)
        let filters = 160, shape = [16, 160, 32, 32]
        let down = try GatedResidualBlock(filters: filters, shift: .down, random: &random)
        let downRight = try GatedResidualBlock(filters: filters, auxiliaryChannels: filters, shift: .downRight, random: &random)
        let u = random.normal(shape).requiringGradient(), ul = random.normal(shape).requiringGradient()
        let parameters = (down.namedParameters + downRight.namedParameters).map(\.parameter.tensor)
        let count = parameters.reduce(0) { $0 + $1.count }
        return ComparedStep(name: "PixelCNN++ gated block pair, 160 filters, 32×32, batch 16",
                             note: "forward + backward, \(count) parameters", script: "pytorch_reference_pixelcnn.py",
                             referenceCase: "gated-block-pair", targetRatio: 0.8) {
            let uOut = try down(u)
            let ulOut = try downRight(ul, auxiliary: uOut)
            let loss = try uOut.mean() + ulOut.mean()
            _ = try gradients(of: loss, wrt: [u, ul] + parameters)
        }
    }
}
