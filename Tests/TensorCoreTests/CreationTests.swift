import Testing
import TensorCore

/// Constructors and their errors.
@Suite struct CreationTests {
    @Test func filledTensors() {
        #expect(Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor.ones([3]).scalars == [1, 1, 1])
        #expect(Tensor.full([2, 2], 2.5).scalars == [2.5, 2.5, 2.5, 2.5])
        #expect(Tensor.full([2, 0, 4], 1).count == 0)
        let scalar = Tensor(3)
        #expect(scalar.shape == [] && scalar.count == 1 && scalar.scalar == 3)
        #expect(Tensor([1, 2]).shape == [2])
        #expect(!Tensor.zeros([1]).requiresGradient)
        #expect(Tensor.zeros([1]).requiringGradient().requiresGradient)
    }

    @Test func shapeAndScalars() throws {
        let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(x.shape == [2, 2] && x.rank == 2 && x.count == 4 && x.scalars == [1, 2, 3, 4])
        let empty = try Tensor(shape: [0, 3], scalars: [])
        #expect(empty.count == 0 && empty.scalars.isEmpty)
        #expect(try Tensor(shape: [], scalars: [7]).scalar == 7)
    }

    @Test func shapeAndScalarsErrors() {
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor(shape: [], scalars: []) }
        #expect(throws: TensorError.self) { try Tensor(shape: [-1, 2], scalars: [1, 2]) }
        do {
            _ = try Tensor(shape: [2, 3], scalars: [1])
        } catch {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("6") && "\(error)".contains("1 "))
        }
    }

    @Test func arangeValues() throws {
        #expect(try Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(try Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(try Tensor.arange(5, 0, step: -2).scalars == [5, 3, 1])
        #expect(try Tensor.arange(0, 1, step: 0.3).count == 4)
        #expect(try Tensor.arange(2, 2).count == 0)
    }

    @Test func arangeErrors() {
        #expect(throws: TensorError.self) { try Tensor.arange(0, 5, step: 0) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 5, step: -1) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, .infinity) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, .nan) }
    }

    @Test func mutationCopiesSharedStorage() {
        let original = Tensor.zeros([3])
        var copy = original
        copy.withUnsafeMutableScalars { $0[1] = 5 }
        #expect(original.scalars == [0, 0, 0])
        #expect(copy.scalars == [0, 5, 0])
    }

    @Test func description() {
        #expect(Tensor([1, 2]).description == "Tensor(shape: [2], [1.0, 2.0])")
        #expect(Tensor.zeros([10]).description.hasSuffix(", …])"))
    }
}
