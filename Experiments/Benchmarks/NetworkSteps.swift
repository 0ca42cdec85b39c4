import NeuralNet
import TensorCore

/// Whole-network timings of the foundation issue: an MLP training step and the SNGAN
/// discriminator's forward + backward pass.
enum NetworkSteps {
    /// Forward, backward and Adam step of a 2→512→512→512→1 ReLU MLP at batch 64.
    static func mlpTrainingStep(into table: inout BenchmarkTable) throws {
        var random = RandomStream(seed: 4)
        let mlp = try Sequential {
            try Linear(inputFeatures: 2, outputFeatures: 512, random: &random)
            ReLU()
            try Linear(inputFeatures: 512, outputFeatures: 512, random: &random)
            ReLU()
            try Linear(inputFeatures: 512, outputFeatures: 512, random: &random)
            ReLU()
            try Linear(inputFeatures: 512, outputFeatures: 1, random: &random)
        }
        let adam = try Adam(for: mlp)
        let x = random.normal([64, 2]), y = random.normal([64, 1])
        let flops = 3.0 * 2 * 64 * Double(2 * 512 + 512 * 512 * 2 + 512)  // forward ≈ 1/3 of fwd+bwd
        try table.measure("MLP 2→512→512→512→1 train step (fwd+bwd+Adam), batch 64", flops: flops) {
            let (_, gradients) = try valueAndGradient(of: mlp) { try square(mlp(x) - y).mean() }
            try adam.step(gradients: gradients)
        }
    }

    /// The standard (non-residual) SNGAN CNN discriminator of spec §3.5 for 32×32 images:
    /// seven convolutions with leaky ReLU(0.1), then a dense layer to one logit.
    static func sngan32Discriminator(random: inout RandomStream) throws -> Sequential {
        let convolutions: [(Int, Int, Int, Int)] = [
            (3, 64, 3, 1), (64, 64, 4, 2), (64, 128, 3, 1), (128, 128, 4, 2),
            (128, 256, 3, 1), (256, 256, 4, 2), (256, 512, 3, 1),
        ]
        return try Sequential {
            for (input, output, kernel, stride) in convolutions {
                try Conv2D(inputChannels: input, outputChannels: output, kernelSize: kernel, stride: stride,
                       padding: 1, random: &random)
                LeakyReLU(slope: 0.1)
            }
            Flatten()
            try Linear(inputFeatures: 512 * 4 * 4, outputFeatures: 1, random: &random)
        }
    }

    /// Multiply–adds of the discriminator's forward pass at batch `batch`, ×2 for FLOPs.
    static func discriminatorForwardFlops(batch: Int) -> Double {
        let layers: [(Int, Int, Int, Int)] = [  // (in, out, kernel, output size)
            (3, 64, 3, 32), (64, 64, 4, 16), (64, 128, 3, 16), (128, 128, 4, 8),
            (128, 256, 3, 8), (256, 256, 4, 4), (256, 512, 3, 4),
        ]
        let convolutions = layers.reduce(0.0) { total, l in
            total + Double(l.0 * l.1 * l.2 * l.2 * l.3 * l.3)
        }
        return 2 * Double(batch) * (convolutions + 512 * 16)
    }

    /// Forward + backward (gradients for every parameter) at 32×32, batch 64.
    static func discriminatorForwardBackward(into table: inout BenchmarkTable) throws {
        var random = RandomStream(seed: 5)
        let discriminator = try sngan32Discriminator(random: &random)
        let images = random.normal([64, 3, 32, 32])
        // Backward costs about twice the forward pass (input and weight gradients).
        let flops = 3 * discriminatorForwardFlops(batch: 64)
        try table.measure("SNGAN CNN discriminator fwd+bwd, 32×32, batch 64", flops: flops,
                          note: String(format: "%.2f GFLOP per step", flops / 1e9)) {
            _ = try valueAndGradient(of: discriminator) { try discriminator(images).mean() }
        }
    }
}
