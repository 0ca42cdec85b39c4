import Foundation
import Testing
import TensorCore
@testable import NeuralNet

/// `|a − b| ≤ tolerance` elementwise, with the first mismatch in the message.
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        Issue.record("\(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    if let i = actual.indices.first(where: { !(Swift.abs(actual[$0] - expected[$0]) <= tolerance) }) {
        Issue.record("element \(i): \(actual[i]) vs expected \(expected[i]) (tolerance \(tolerance))",
                     sourceLocation: sourceLocation)
    }
}

@Suite struct LayerForwardTests {
    @Test func linearIsTheExplicitSum() throws {
        var random = RandomStream(seed: 10)
        let layer = try Linear(inputFeatures: 4, outputFeatures: 3, random: &random)
        let x = random.normal([2, 5, 4])
        let y = try layer(x)
        #expect(y.shape == [2, 5, 3])
        let (w, b, xs) = (layer.weight.scalars, layer.bias!.scalars, x.scalars)
        var expected = [Float]()
        for row in 0..<10 {
            for o in 0..<3 {
                var sum = b[o]
                for k in 0..<4 { sum += xs[row * 4 + k] * w[o * 4 + k] }
                expected.append(sum)
            }
        }
        expectClose(y.scalars, expected)
        // A vector input maps to a vector.
        let single = try layer(Tensor(Array(xs[0..<4])))
        #expect(single.shape == [3])
        expectClose(single.scalars, Array(expected[0..<3]))
    }

    @Test func linearWithoutBiasAndShapeErrors() throws {
        let layer = try Linear(weight: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(layer.bias == nil)
        #expect(try layer(Tensor(shape: [1, 3], scalars: [1, 0, -1])).scalars == [-2, -2])
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([2, 4])) }
        #expect(throws: TensorError.self) { try Linear(weight: .zeros([2, 3]), bias: .zeros([3])) }
        var random = RandomStream(seed: 1)
        #expect(throws: TensorError.self) { try Linear(inputFeatures: 0, outputFeatures: 2, random: &random) }
    }

    @Test func conv2DMatchesDirectLoops() throws {
        var random = RandomStream(seed: 11)
        let (b, c, h, w, co, k, s, p) = (2, 3, 5, 6, 4, 3, 2, 1)
        let layer = try Conv2D(inputChannels: c, outputChannels: co, kernelSize: k, stride: s, padding: p, random: &random)
        let x = random.normal([b, c, h, w])
        let y = try layer(x)
        let (oh, ow) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
        #expect(y.shape == [b, co, oh, ow])
        let (ws, bs, xs) = (layer.weight.scalars, layer.bias!.scalars, x.scalars)
        var expected = [Float]()
        for n in 0..<b {
            for o in 0..<co {
                for i in 0..<oh {
                    for j in 0..<ow {
                        var sum = bs[o]
                        for ci in 0..<c {
                            for ki in 0..<k {
                                for kj in 0..<k {
                                    let (yy, xx) = (i * s - p + ki, j * s - p + kj)
                                    guard (0..<h).contains(yy), (0..<w).contains(xx) else { continue }
                                    sum += xs[((n * c + ci) * h + yy) * w + xx] * ws[((o * c + ci) * k + ki) * k + kj]
                                }
                            }
                        }
                        expected.append(sum)
                    }
                }
            }
        }
        expectClose(y.scalars, expected)
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([1, 2, 5, 5])) }
    }

    @Test func convTranspose2DMatchesDirectScatter() throws {
        var random = RandomStream(seed: 12)
        let (b, c, h, w, co, k, s, p, op) = (2, 3, 3, 4, 2, 3, 2, 1, 1)
        let layer = try ConvTranspose2D(inputChannels: c, outputChannels: co, kernelSize: k, stride: s, padding: p,
                                        outputPadding: op, random: &random)
        #expect(layer.weight.shape == [c, co, k, k])
        let x = random.normal([b, c, h, w])
        let y = try layer(x)
        let (oh, ow) = ((h - 1) * s - 2 * p + k + op, (w - 1) * s - 2 * p + k + op)
        #expect(y.shape == [b, co, oh, ow])
        let (ws, bs, xs) = (layer.weight.scalars, layer.bias!.scalars, x.scalars)
        var expected = [Float](repeating: 0, count: b * co * oh * ow)
        for n in 0..<b {
            for o in 0..<co {
                for i in 0..<oh { for j in 0..<ow { expected[((n * co + o) * oh + i) * ow + j] = bs[o] } }
                for ci in 0..<c {
                    for i in 0..<h {
                        for j in 0..<w {
                            for ki in 0..<k {
                                for kj in 0..<k {
                                    let (yy, xx) = (i * s - p + ki, j * s - p + kj)
                                    guard (0..<oh).contains(yy), (0..<ow).contains(xx) else { continue }
                                    expected[((n * co + o) * oh + yy) * ow + xx] +=
                                        xs[((n * c + ci) * h + i) * w + j] * ws[((ci * co + o) * k + ki) * k + kj]
                                }
                            }
                        }
                    }
                }
            }
        }
        expectClose(y.scalars, expected)
        #expect(throws: TensorError.self) {
            try ConvTranspose2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 2, outputPadding: 2, random: &random)
        }
    }

    @Test func activationsAtKnownPoints() throws {
        let x = Tensor([-2, 0, 3])
        #expect(ReLU()(x).scalars == [0, 0, 3])
        #expect(LeakyReLU(slope: 0.25)(x).scalars == [-0.5, 0, 3])
        #expect(LeakyReLU()(x).scalars == [-0.02, 0, 3])
        expectClose(Tanh()(x).scalars, [Foundation.tanh(-2), 0, Foundation.tanh(3)])
        expectClose(Sigmoid()(x).scalars, [1 / (1 + Foundation.exp(2)), 0.5, 1 / (1 + Foundation.exp(-3))])
        expectClose(Softplus()(x).scalars, [Foundation.log(1 + Foundation.exp(-2)), Foundation.log(2), Foundation.log(1 + Foundation.exp(3))])
    }

    @Test func flattenKeepsTheBatchAxisAndOrder() throws {
        let x = try Tensor.arange(0, 24).reshaped([2, 3, 2, 2])
        let y = try Flatten()(x)
        #expect(y.shape == [2, 12])
        #expect(y.scalars == x.scalars)
    }
}
