import Foundation
import EquivariantLayer
import NeuralNet
import TensorCore

// An order-invariant score of a batch of 2-D points, and a check that it is invariant.
var random = RandomStream(seed: 42)
let critic = InvariantNetwork(body: .perceptron(inputSize: 2, hiddenSizes: [32, 32], outputSize: 1,
                                                activation: { LeakyReLU(slope: 0.2) }, random: &random))
let points = random.normal([16, 2])
let shuffled = try points.indexSelect(random.permutation(16), axis: 0)
let (a, b) = (try critic(points).scalar, try critic(shuffled).scalar)
print("score \(a), shuffled \(b), parameters \(critic.parameterCount)")
guard Swift.abs(a - b) <= 1e-5 * Swift.max(1, Swift.abs(a)) else {
    print("error: the critic is not invariant to the order of the batch")
    exit(1)
}
