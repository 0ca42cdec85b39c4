import Foundation
import CBLAS
import CDNNLConvolution
import TensorCore

/// Raw `cblas_sgemm` and oneDNN's `dnnl_sgemm` (through the oneDNN worker, as the engine calls
/// it) against the engine's `matmul` recorded for autodiff, at the sizes of the foundation
/// issue: square 64/256/1024/2048 and [64×512]·[512×512]; and a linear layer's forward
/// product [64×512]·[512×512]ᵀ on both libraries (oneDNN runs it on its matmul primitive).
enum MatrixProducts {
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (64, 64, 64), (256, 256, 256), (1024, 1024, 1024), (2048, 2048, 2048), (64, 512, 512),
    ]

    static func label(_ s: (m: Int, k: Int, n: Int)) -> String { "[\(s.m)×\(s.k)]·[\(s.k)×\(s.n)]" }

    /// Raw GEMM only, both libraries (used for the kernel-family comparison).
    static func rawGEMM(into table: inout BenchmarkTable) {
        for s in shapes {
            var rng = RandomStream(seed: 1)
            let a = rng.normal([s.m, s.k]), b = rng.normal([s.k, s.n])
            var c = Tensor.zeros([s.m, s.n])
            let flops = 2.0 * Double(s.m * s.k * s.n)
            table.measure("raw cblas_sgemm \(label(s))", flops: flops, note: "kernels: \(OpenBLASKernels.coreName)") {
                c.withUnsafeMutableScalars { cp in
                    a.withUnsafeScalars { ap in
                        b.withUnsafeScalars { bp in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(s.m), Int32(s.n), Int32(s.k),
                                        1, ap, Int32(s.k), bp, Int32(s.n), 0, cp, Int32(s.n))
                        }
                    }
                }
            }
            table.measure("raw dnnl_sgemm \(label(s))", flops: flops, note: "oneDNN worker, OpenMP team") {
                c.withUnsafeMutableScalars { cp in
                    a.withUnsafeScalars { ap in
                        b.withUnsafeScalars { bp in
                            let status = mixedbatch_dnnl_gemm(0, 0, Int64(s.m), Int64(s.n), Int64(s.k), 1, ap,
                                                               Int64(s.k), bp, Int64(s.n), 0, cp, Int64(s.n))
                            precondition(status == 0, "dnnl_sgemm failed with oneDNN status \(status)")
                        }
                    }
                }
            }
        }
        linearForward(into: &table)
    }

    /// x·Wᵀ at [64×512]·[512×512]ᵀ, the product of every width-512 linear layer's forward pass.
    static func linearForward(into table: inout BenchmarkTable) {
        var rng = RandomStream(seed: 1)
        let x = rng.normal([64, 512]), weight = rng.normal([512, 512])
        var y = Tensor.zeros([64, 512])
        let flops = 2.0 * 64 * 512 * 512
        for oneDNN in [false, true] {
            let name = oneDNN ? "raw oneDNN matmul [64×512]·[512×512]ᵀ" : "raw cblas_sgemm [64×512]·[512×512]ᵀ"
            let note = oneDNN ? "matmul primitive, oneDNN worker" : "kernels: \(OpenBLASKernels.coreName)"
            table.measure(name, flops: flops, note: note) {
                y.withUnsafeMutableScalars { yp in
                    x.withUnsafeScalars { xp in
                        weight.withUnsafeScalars { wp in
                            if oneDNN {
                                let status = mixedbatch_dnnl_gemm(0, 1, 64, 512, 512, 1, xp, 512, wp, 512, 0, yp, 512)
                                precondition(status == 0, "oneDNN's matmul failed with status \(status)")
                            } else {
                                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 64, 512, 512, 1, xp, 512, wp, 512,
                                            0, yp, 512)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The engine's matmul on graph-recording operands, beside the raw GEMM of the library it
    /// uses for that shape (`GEMMBackend`).
    static func engineVersusRaw(into table: inout BenchmarkTable) throws {
        for s in shapes {
            let library = GEMMBackend.usesOneDNN(m: s.m, n: s.n, k: s.k) ? "dnnl_sgemm" : "cblas_sgemm"
            let raw = table.rows.first { $0.name == "raw \(library) \(label(s))" }
            var rng = RandomStream(seed: 2)
            let a = rng.normal([s.m, s.k]).requiringGradient(), b = rng.normal([s.k, s.n])
            let flops = 2.0 * Double(s.m * s.k * s.n)
            let row = try table.measure("engine matmul (recorded) \(label(s))", flops: flops) {
                _ = try a.matmul(b)
            }
            if let engine = row.gflops, let blas = raw?.gflops {
                table.add(.init(name: "  engine / raw \(library) \(label(s))", milliseconds: row.milliseconds,
                                gflops: nil, note: String(format: "%.0f%% of raw \(library)", 100 * engine / blas)))
            }
        }
    }
}

extension MatrixProducts {
    /// Runs this benchmark again in a child process pinned to OpenBLAS' Haswell kernels
    /// and prints its raw-GEMM rows into the table.
    static func rawGEMMWithHaswellKernels() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var environment = ProcessInfo.processInfo.environment
        environment["MIXEDBATCH_OPENBLAS_CORETYPE"] = "Haswell"
        child.environment = environment
        child.arguments = ["--only", "gemm"]
        try child.run()
        child.waitUntilExit()
    }
}
