/// A training step of ours with the case of the PyTorch reference script that times the same
/// step (`Experiments/Benchmarks/pytorch_reference_*.py --case <id>`), and the target
/// for the ratio ours / PyTorch.
struct ComparedStep {
    var name: String
    var note: String
    /// The reference script's file name in `Experiments/Benchmarks/` and its case id.
    var script: String
    var referenceCase: String
    /// The largest ratio of our time to PyTorch's that the speed issue accepts.
    var targetRatio: Double
    var run: () throws -> Void
    /// Measures what the step cannot go below on this machine (`StepFloor`), where one is known.
    var floor: (() throws -> StepFloor)? = nil

    /// Measures every step into `table` (the plain `make bench` rows, without PyTorch), each
    /// step's floor in a row of its own after it.
    static func measure(_ steps: [ComparedStep], into table: inout BenchmarkTable) throws {
        for step in steps {
            try table.measure(step.name, note: step.note, step.run)
            if let floor = try step.floor?() {
                table.add(BenchmarkTable.Row(name: "↳ its products and optimiser updates alone", milliseconds: floor.milliseconds,
                                             gflops: nil, note: floor.description))
            }
        }
    }
}

/// A floor for a step made mostly of matrix products and an elementwise optimiser: the step's
/// own products (`ProductTrace`) replayed back to back on warm operands, plus its optimiser
/// updates alone on the same parameters — without the activations, losses, graph and
/// allocations between them, which the step cannot avoid.
struct StepFloor {
    var products: Int
    var multiplyAdds: Int
    var productsMilliseconds: Double
    var updatesMilliseconds: Double

    var milliseconds: Double { productsMilliseconds + updatesMilliseconds }
    /// The rate of the replayed products (GFLOP/s, two flops a multiply-add).
    var productsGFLOPPerSecond: Double { 2 * Double(multiplyAdds) / (productsMilliseconds * 1e6) }

    var description: String {
        String(format: "%d products, %.2f GFLOP: %.2f ms (%.0f GFLOP/s); updates %.2f ms", products,
               2 * Double(multiplyAdds) / 1e9, productsMilliseconds, productsGFLOPPerSecond, updatesMilliseconds)
    }
}
