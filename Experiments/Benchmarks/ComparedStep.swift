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

    /// Measures every step into `table` (the plain `make bench` rows, without PyTorch).
    static func measure(_ steps: [ComparedStep], into table: inout BenchmarkTable) throws {
        for step in steps { try table.measure(step.name, note: step.note, step.run) }
    }
}
