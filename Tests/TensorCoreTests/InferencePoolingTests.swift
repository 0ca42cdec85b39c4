import TensorCore
import Testing

/// oneDNN's inference pooling against the differentiable pooling ops and a brute-force loop;
/// the bilinear resize against hand-computed values.
@Suite struct InferencePoolingTests {
    static func image(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var random = RandomStream(seed: seed)
        return random.normal(shape)
    }

    /// The pool of one window by brute force: the pixels inside the image, padding as `kind` says.
    static func bruteForce(_ x: Tensor, _ kind: PoolingKind, _ g: ConvGeometry) throws -> [Float] {
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = try g.outputSize(height: h, width: w, operation: "test")
        let v = x.scalars
        var out: [Float] = []
        for plane in 0..<(b * c) {
            for i in 0..<oh {
                for j in 0..<ow {
                    var inside: [Float] = []
                    for di in 0..<g.kernel.height {
                        for dj in 0..<g.kernel.width {
                            let (y, xx) = (i * g.stride.height - g.padding.height + di, j * g.stride.width - g.padding.width + dj)
                            if y >= 0, y < h, xx >= 0, xx < w { inside.append(v[(plane * h + y) * w + xx]) }
                        }
                    }
                    switch kind {
                    case .max: out.append(inside.max()!)
                    case .averageInsideImage: out.append(inside.reduce(0, +) / Float(inside.count))
                    case .averageCountingPadding: out.append(inside.reduce(0, +) / Float(g.kernel.height * g.kernel.width))
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: PoolingKind.allCases)
    func everyKindMatchesBruteForce(kind: PoolingKind) throws {
        let x = try Self.image([2, 3, 9, 8], seed: 7)
        for g in [ConvGeometry(kernel: 3, stride: 1, padding: 1), ConvGeometry(kernel: 3, stride: 2, padding: 0),
                  ConvGeometry(kernel: (3, 2), stride: (2, 1), padding: (1, 1))] {
            let pooled = try inferencePool2d(x, kind, geometry: g)
            let expected = try Self.bruteForce(x, kind, g)
            #expect(pooled.scalars.count == expected.count)
            #expect(zip(pooled.scalars, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(kind) \(g)")
        }
    }

    /// Max pooling with padding on all-negative inputs: the padding must never win.
    @Test func maxPoolingIgnoresPaddingOnNegativeImages() throws {
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [-4, -3, -2, -1])
        let pooled = try inferencePool2d(x, .max, geometry: ConvGeometry(kernel: 3, stride: 1, padding: 1))
        #expect(pooled.scalars == [-1, -1, -1, -1])
    }

    @Test func agreesWithTheDifferentiableOps() throws {
        let x = try Self.image([2, 4, 7, 7], seed: 3)
        let average = ConvGeometry(kernel: 3, stride: 1, padding: 1)
        let fast = try inferencePool2d(x, .averageCountingPadding, geometry: average)
        #expect(zip(fast.scalars, try avgPool2d(x, geometry: average).scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        let maximum = ConvGeometry(kernel: 3, stride: 2, padding: 0)
        #expect(try inferencePool2d(x, .max, geometry: maximum).scalars == (try maxPool2d(x, geometry: maximum).scalars))
    }

    @Test func refusesInputsThatNeedGradients() throws {
        let x = try Self.image([1, 1, 4, 4], seed: 1).requiringGradient()
        #expect(throws: TensorError.self) { try inferencePool2d(x, .max, geometry: ConvGeometry(kernel: 2, stride: 2)) }
        #expect(throws: TensorError.self) { try resizeBilinear(x, height: 8, width: 8) }
    }

    /// PyTorch: `F.interpolate([[1, 2], [3, 4]], size=4, mode="bilinear")` has first row
    /// 1, 1.25, 1.75, 2 and first column 1, 1.5, 2.5, 3.
    @Test func bilinearUpsamplingByHand() throws {
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let y = try resizeBilinear(x, height: 4, width: 4).scalars
        #expect(Array(y[0..<4]) == [1, 1.25, 1.75, 2])
        #expect([y[0], y[4], y[8], y[12]] == [1, 1.5, 2.5, 3])
        #expect(Array(y[12..<16]) == [3, 3.25, 3.75, 4])
    }

    @Test func resizingToTheSameSizeIsTheIdentity() throws {
        let x = try Self.image([2, 3, 5, 6], seed: 2)
        #expect(try resizeBilinear(x, height: 5, width: 6).scalars == x.scalars)
    }

    /// Halving by bilinear (no antialiasing) averages 2×2 blocks: the sample point falls between them.
    @Test func halvingAveragesBlocks() throws {
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 6])
        #expect(try resizeBilinear(x, height: 1, width: 1).scalars == [3])
    }
}
