import NeuralNet
import TensorCore

/// Issue 12's PixelCNN++ target: one gated residual block pair of a PixelCNN++ stage at CIFAR
/// size — the down stream's block (2×3 down-shifted convolutions) and the down-right stream's
/// (2×2 down-right-shifted, with the down stream's output as its auxiliary input) — 160 filters,
/// 32×32, batch 16, dropout 0.5, forward and backward (the gradient of every parameter and both
/// inputs). A stage of the paper is five such pairs. `pytorch_reference_pixelcnn.py` times the
/// same pair in PyTorch.
enum PixelCNNSteps {
    static func steps() throws -> [ComparedStep] {
        var random = RandomStream(seed: 17)
        let filters = 160, shape = [16, 160, 32, 32]
        let down = try GatedResidualBlock(filters: filters, shift: .down, random: &random)
        let downRight = try GatedResidualBlock(filters: filters, auxiliaryChannels: filters, shift: .downRight, random: &random)
        let u = random.normal(shape).requiringGradient(), ul = random.normal(shape).requiringGradient()
        let parameters = (down.namedParameters + downRight.namedParameters).map(\.parameter.tensor)
        let count = parameters.reduce(0) { $0 + $1.count }
        return [ComparedStep(name: "PixelCNN++ gated block pair, 160 filters, 32×32, batch 16",
                             note: "forward + backward, \(count) parameters", script: "pytorch_reference_pixelcnn.py",
                             referenceCase: "gated-block-pair", targetRatio: 0.8) {
            let uOut = try down(u)
            let ulOut = try downRight(ul, auxiliary: uOut)
            let loss = try uOut.mean() + ulOut.mean()
            _ = try gradients(of: loss, wrt: [u, ul] + parameters)
        }]
    }
}
