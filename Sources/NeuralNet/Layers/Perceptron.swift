import TensorCore

extension Sequential {
    /// A multilayer perceptron `[N, inputSize] -> [N, outputSize]`: a `Linear` layer and
    /// `activation()` per entry of `hiddenSizes`, then a final `Linear` without activation.
    ///
    /// The 2D generator and discriminator of §4.5.1 ("three-layer ReLU networks with 512
    /// units", read as three hidden layers, spec A4.2) are
    /// `perceptron(inputSize: 2, hiddenSizes: [512, 512, 512], outputSize: 2 or 1)`.
    public static func perceptron(inputSize: Int, hiddenSizes: [Int], outputSize: Int,
                                  activation: () -> any Layer = { ReLU() },
                                  random: inout RandomStream) throws -> Sequential {
        try stacked(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize, random: &random,
                    hidden: { input, width, random in
                        [try Linear(inputFeatures: input, outputFeatures: width, random: &random), activation()]
                    },
                    output: { input, outputs, random in try Linear(inputFeatures: input, outputFeatures: outputs, random: &random) })
    }

    /// A multilayer perceptron whose hidden layers are `units` (activation, batch norm,
    /// maxout, spectral norm; see `HiddenUnits`), then a final affine map without activation
    /// (spectrally normalised too with `units.spectralNorm`): `[N, inputSize] -> [N, outputSize]`.
    /// PacGAN's 2D discriminator is `perceptron(inputSize: 2, hiddenSizes: [200, 200, 200],
    /// outputSize: 1, units: HiddenUnits(maxoutPieces: 5), random: &random)`.
    public static func perceptron(inputSize: Int, hiddenSizes: [Int], outputSize: Int, units: HiddenUnits,
                                  random: inout RandomStream) throws -> Sequential {
        try stacked(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize, random: &random,
                    hidden: { input, width, random in try units.makeLayer(inputSize: input, width: width, random: &random) },
                    output: { input, outputs, random in try units.affine(inputSize: input, outputSize: outputs, random: &random) })
    }

    /// `hidden(in, width)` per entry of `hiddenSizes`, then `output(in, outputSize)`; the
    /// layers draw their initial weights from `random` in that order.
    private static func stacked(inputSize: Int, hiddenSizes: [Int], outputSize: Int, random: inout RandomStream,
                                hidden: (Int, Int, inout RandomStream) throws -> [any Layer],
                                output: (Int, Int, inout RandomStream) throws -> any Layer) throws -> Sequential {
        var layers: [any Layer] = []
        var width = inputSize
        for size in hiddenSizes {
            layers += try hidden(width, size, &random)
            width = size
        }
        layers.append(try output(width, outputSize, &random))
        return Sequential(layers)
    }
}
