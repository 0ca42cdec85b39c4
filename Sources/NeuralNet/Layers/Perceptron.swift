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
        var layers: [any Layer] = []
        var width = inputSize
        for hidden in hiddenSizes {
            layers.append(try Linear(inputFeatures: width, outputFeatures: hidden, random: &random))
            layers.append(activation())
            width = hidden
        }
        layers.append(try Linear(inputFeatures: width, outputFeatures: outputSize, random: &random))
        return Sequential(layers)
    }

    /// A multilayer perceptron whose hidden layers are `units` (activation, batch norm,
    /// maxout; see `HiddenUnits`), then a final `Linear` without activation:
    /// `[N, inputSize] -> [N, outputSize]`. PacGAN's 2D discriminator is
    /// `perceptron(inputSize: 2, hiddenSizes: [200, 200, 200], outputSize: 1,
    /// units: HiddenUnits(maxoutPieces: 5), random: &random)`.
    public static func perceptron(inputSize: Int, hiddenSizes: [Int], outputSize: Int, units: HiddenUnits,
                                  random: inout RandomStream) throws -> Sequential {
        var layers: [any Layer] = []
        var width = inputSize
        for hidden in hiddenSizes {
            layers += try units.makeLayer(inputSize: width, width: hidden, random: &random)
            width = hidden
        }
        layers.append(try Linear(inputFeatures: width, outputFeatures: outputSize, random: &random))
        return Sequential(layers)
    }
}
