import Testing
@testable import TensorCore

@Test func smokeAutodiff() throws {
    let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let w = try Tensor(shape: [3, 2], scalars: [0.1, -0.2, 0.3, 0.4, -0.5, 0.6])
    let (v, g) = try valueAndGradient(at: w) { w in try (x.matmul(w)).sum() * 1 }
    print(v, g)
    // d/dw sum(xw) = x^T 1
    #expect(g.scalars == [5, 5, 7, 7, 9, 9])
    // second order: d/dx of |grad_w|^2 where grad_w = x^T 1
    let g2 = try gradient(at: x) { x in
        let wl = w.requiringGradient()
        let gw = try gradients(of: x.matmul(wl).sum(), wrt: [wl], createGraph: true)[0]
        return square(gw).sum()
    }
    print(g2)
    // |x^T 1|^2 = sum_j (sum_i x_ij)^2 * 2 (two columns) -> d/dx_ij = 4 * colsum_j
    #expect(g2.scalars == [20, 28, 36, 20, 28, 36])
    let c = try conv2d(Tensor.ones([1, 1, 4, 4]), weight: Tensor.ones([1, 1, 3, 3]), geometry: ConvGeometry(kernel: 3, padding: 1))
    print(c.scalars)
}
