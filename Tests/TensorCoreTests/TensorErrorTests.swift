import Testing
import TensorCore

/// Inconsistent input throws a `TensorError` whose message names the shapes involved.
@Suite struct TensorErrorTests {
    /// Runs `body`, expects a `TensorError`, and returns its message.
    private func message(of body: () throws -> Any, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            _ = try body()
            Issue.record("expected a TensorError, none was thrown", sourceLocation: sourceLocation)
        } catch let error as TensorError {
            return error.description
        } catch {
            Issue.record("expected a TensorError, got \(error)", sourceLocation: sourceLocation)
        }
        return ""
    }

    private func expectNamesShapes(_ shapes: [[Int]], sourceLocation: SourceLocation = #_sourceLocation,
                                   _ body: () throws -> Any) {
        let text = message(of: body, sourceLocation: sourceLocation)
        for shape in shapes {
            #expect(text.contains("\(shape)"), "\"\(text)\" does not name \(shape)", sourceLocation: sourceLocation)
        }
    }

    @Test func shapeMismatchesNameBothShapes() {
        let a = Tensor.zeros([2, 3]), b = Tensor.zeros([4, 5])
        expectNamesShapes([[2, 3], [4, 5]]) { try a + b }
        expectNamesShapes([[2, 3], [4, 5]]) { try a - b }
        expectNamesShapes([[2, 3], [4, 5]]) { try a * b }
        expectNamesShapes([[2, 3], [4, 5]]) { try a / b }
        expectNamesShapes([[2, 3], [4, 5]]) { try Tensor.maximum(a, b) }
        expectNamesShapes([[2, 3], [4, 5]]) { try Tensor.where(a, a, b) }
        expectNamesShapes([[2, 3], [4, 5]]) { try a.matmul(b) }
        expectNamesShapes([[2, 3], [4, 5]]) { try Tensor.concatenate([a, b], axis: 0) }
        expectNamesShapes([[2, 3], [4, 5]]) { try a.broadcast(to: [4, 5]) }
        expectNamesShapes([[2, 3], [4, 5]]) { try b.sum(toShape: [2, 3]) }
        expectNamesShapes([[2, 3], [2, 3, 4]]) { try Tensor.concatenate([a, Tensor.zeros([2, 3, 4])]) }
        expectNamesShapes([[2, 3], [4, 5]]) { try gradients(of: a.requiringGradient() * 2, wrt: [a], seed: b) }
        expectNamesShapes([[2, 3, 4, 4], [5, 2, 3, 3]]) {
            try conv2d(Tensor.zeros([2, 3, 4, 4]), weight: Tensor.zeros([5, 2, 3, 3]), geometry: ConvGeometry(kernel: 3))
        }
        expectNamesShapes([[2, 3, 4, 4], [2, 5, 3, 3]]) {
            try convTranspose2d(Tensor.zeros([2, 3, 4, 4]), weight: Tensor.zeros([2, 5, 3, 3]), geometry: ConvGeometry(kernel: 3))
        }
        expectNamesShapes([[1, 2, 2, 2], [3]]) {  // the output shape and the bias
            try conv2d(Tensor.zeros([1, 2, 4, 4]), weight: Tensor.zeros([2, 2, 3, 3]), bias: Tensor.zeros([3]), geometry: ConvGeometry(kernel: 3))
        }
    }

    @Test func badAxesThrow() {
        let x = Tensor.zeros([2, 3])
        expectNamesShapes([]) { try x.sum(alongAxes: [2]) }
        expectNamesShapes([]) { try x.mean(alongAxes: [-3]) }
        expectNamesShapes([]) { try x.max(alongAxis: 5) }
        expectNamesShapes([]) { try x.logSumExp(alongAxis: 2) }
        expectNamesShapes([]) { try x.transposed(0, 2) }
        expectNamesShapes([[2, 3]]) { try x.permuted([0, 0]) }
        expectNamesShapes([[2, 3]]) { try x.permuted([1]) }
        expectNamesShapes([]) { try x.expandingShape(at: 3) }
        expectNamesShapes([[2, 3]]) { try x.squeezed(at: 0) }
        expectNamesShapes([]) { try Tensor.concatenate([x, x], axis: 2) }
        expectNamesShapes([]) { try x.indexSelect([0], axis: 2) }
        expectNamesShapes([]) { try x.split(sizes: [1, 1], axis: -3) }
        #expect(message { try x.sum(alongAxes: [2]) }.contains("-2..<2"))
    }

    @Test func badReshapesThrow() {
        let x = Tensor.zeros([2, 3])
        expectNamesShapes([[2, 3], [4, 2]]) { try x.reshaped([4, 2]) }
        expectNamesShapes([[2, 3], [-1, 4]]) { try x.reshaped([-1, 4]) }
        expectNamesShapes([[2, 3], [-1, -1]]) { try x.reshaped([-1, -1]) }
        expectNamesShapes([[2, 3], [-2, -3]]) { try x.reshaped([-2, -3]) }
        expectNamesShapes([[2, 3]]) { try x.flattenedBatch().reshaped([7]) }
    }

    @Test func badRangesAndIndicesThrow() {
        let x = Tensor.zeros([2, 3])
        expectNamesShapes([[2, 3]]) { try x.narrowed(axis: 1, start: 2, length: 2) }
        expectNamesShapes([[2, 3]]) { try x.narrowed(axis: 1, start: -1, length: 1) }
        expectNamesShapes([]) { try x.padded(axis: 0, before: -1, after: 0) }
        expectNamesShapes([[2, 3]]) { try x.split(sizes: [1, 1], axis: 1) }
        expectNamesShapes([[2, 3]]) { try x.indexSelect([3], axis: 1) }
        expectNamesShapes([]) { try x.indexAdd([0, 1], axis: 1, extent: 2) }
        expectNamesShapes([]) { try x.indexAdd([0, 1, 4], axis: 1, extent: 4) }
        expectNamesShapes([]) { try x.gatherFlat(indices: [6], shape: [1]) }
        expectNamesShapes([[2]]) { try x.gatherFlat(indices: [0], shape: [2]) }
        expectNamesShapes([]) { try x.scatterAddFlat(indices: [0, 1, 2, 3, 4, -1], shape: [6]) }
        expectNamesShapes([]) { try Tensor.concatenate([]) }
    }

    @Test func badGeometriesThrow() {
        let image = Tensor.zeros([1, 1, 3, 3])
        let weight = Tensor.zeros([1, 1, 5, 5])
        expectNamesShapes([]) { try conv2d(image, weight: weight, geometry: ConvGeometry(kernel: 5)) }
        expectNamesShapes([]) { try image.im2col(ConvGeometry(kernel: 2, stride: 0)) }
        expectNamesShapes([]) { try image.im2col(ConvGeometry(kernel: 2, padding: -1)) }
        expectNamesShapes([[3, 3]]) { try Tensor.zeros([3, 3]).im2col(ConvGeometry(kernel: 1)) }
        expectNamesShapes([[4, 9], [1, 9]]) { try Tensor.zeros([4, 9]).col2im(inputShape: [1, 1, 3, 3], ConvGeometry(kernel: 1)) }
        expectNamesShapes([]) { try maxPool2d(image, geometry: ConvGeometry(kernel: 2, padding: 1)) }
        expectNamesShapes([[1, 3, 3]]) { try avgPool2d(Tensor.zeros([1, 3, 3]), geometry: ConvGeometry(kernel: 2)) }
        expectNamesShapes([]) { try upsampleNearest(image, scale: 0) }
        let g = ConvGeometry(kernel: (3, 3), stride: (1, 2), padding: (1, 1))
        #expect(message { try convTranspose2d(image, weight: Tensor.zeros([1, 1, 3, 3]), geometry: g, outputPadding: 1) }
            .contains("outputPadding"))
        expectNamesShapes([]) {
            try convTranspose2d(Tensor.zeros([1, 1, 1, 1]), weight: Tensor.zeros([1, 1, 1, 1]), geometry: ConvGeometry(kernel: 1, padding: 1))
        }
    }

    @Test func errorValuesAreEquatableAndDescriptive() {
        let error = TensorError.shapeMismatch(operation: "add", lhs: [2, 3], rhs: [4, 5], expected: "equal shapes")
        #expect(error.description == "add: shapes [2, 3] and [4, 5] are incompatible; equal shapes")
        #expect(error == .shapeMismatch(operation: "add", lhs: [2, 3], rhs: [4, 5], expected: "equal shapes"))
        #expect(error != .shapeMismatch(operation: "add", lhs: [2, 3], rhs: [4, 6], expected: "equal shapes"))
    }
}
