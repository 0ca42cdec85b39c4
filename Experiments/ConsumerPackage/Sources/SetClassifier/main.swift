import EquivariantLayer
import NeuralNet
import TensorCore

// An order-invariant score of a batch of 2-D points, and a check that it is invariant.
final class LeakyReLU: Module, Layer {
    func callAsFunction(_ x: Tensor) throws -> Tensor { leakyRelu(x, slope: 0.2) }
}
var generator = RandomStream(seed: 42)
let critic = InvariantNetwork(body: .perceptron(inputSize: 2, hiddenSizes: [32, 32], outputSize: 1,
                                                activation: { LeakyReLU() }, generator: &generator))
let points = generator.normal([16, 2])
let shuffled = try points.indexSelect(generator.permutation(16), axis: 0)
let (a, b) = (try critic(points).scalar, try critic(shuffled).scalar)
print("score \(a), shuffled \(b), parameters \(critic.parameterCount)")
if Swift.abs(a - b) > 1e-5 { fatalError("the critic is not invariant") }
