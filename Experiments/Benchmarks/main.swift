import Foundation
import TensorCore

// `make bench`: one table of the speed numbers the issues ask for.
// MIXEDBATCH_BENCH_2D_ONLY=1 / MIXEDBATCH_BENCH_IMAGES_ONLY=1 print only the 2D-iteration or
// the SNGAN-step rows. MIXEDBATCH_BENCH_GEMM_ONLY=1 prints only the raw-GEMM rows; the main run uses it to
// add the rows of OpenBLAS' Haswell kernels beside those of the kernels in use.
OpenBLASKernels.reexecWithFastKernelsIfNeeded()
let environment = ProcessInfo.processInfo.environment
var table = BenchmarkTable()
if environment["MIXEDBATCH_BENCH_IMAGES_ONLY"] != nil {
    try ImageSteps.run(into: &table)
    exit(0)
}
if environment["MIXEDBATCH_BENCH_2D_ONLY"] != nil {
    try AdversarialIterations.run(into: &table, widths: [512, 128, 64])
    exit(0)
}
if environment["MIXEDBATCH_BENCH_GEMM_ONLY"] != nil {
    MatrixProducts.rawGEMM(into: &table)
    exit(0)
}
print("MixedBatch benchmarks — OpenBLAS kernels: \(OpenBLASKernels.coreName), "
      + "OPENBLAS_NUM_THREADS: \(environment["OPENBLAS_NUM_THREADS"] ?? "unset"), "
      + "cores: \(ProcessInfo.processInfo.activeProcessorCount)\n")
print(BenchmarkTable.header)
MatrixProducts.rawGEMM(into: &table)
if OpenBLASKernels.coreName != "Haswell" {
    try MatrixProducts.rawGEMMWithHaswellKernels()
}
try MatrixProducts.engineVersusRaw(into: &table)
try NetworkSteps.mlpTrainingStep(into: &table)
try NetworkSteps.discriminatorForwardBackward(into: &table)
try EquivariantOverhead.run(into: &table)
try AdversarialIterations.run(into: &table)
try ImageSteps.run(into: &table)
