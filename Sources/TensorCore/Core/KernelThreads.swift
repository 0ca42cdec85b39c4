import CBLAS

/// How many threads TensorCore's own multi-threaded kernels (im2col, col2im) use: as many as
/// OpenBLAS does (`OPENBLAS_NUM_THREADS`; 1 in `make chapter4`'s workers, which run one per
/// core), read once.
enum KernelThreads {
    static let count: Int = max(1, Int(openblas_get_num_threads()))
}
