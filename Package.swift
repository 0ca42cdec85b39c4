// swift-tools-version: 6.1
import PackageDescription

// Tuning flags (-target-cpu, -Ounchecked) live in the Makefile, never here: a package
// with unsafeFlags cannot be a dependency, and other packages must import EquivariantLayer.
let package = Package(
    name: "MixedBatch",
    products: [
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "EquivariantLayer", targets: ["EquivariantLayer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // System-library shims, found through pkg-config.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),

        .target(name: "TensorCore", dependencies: ["CBLAS"]),
        .target(name: "HDF5IO", dependencies: ["CHDF5"]),
        .target(name: "NeuralNet", dependencies: ["TensorCore", "HDF5IO"]),
        .target(name: "EquivariantLayer", dependencies: ["TensorCore", "NeuralNet"]),

        .executableTarget(name: "Benchmarks", dependencies: ["TensorCore", "NeuralNet", "EquivariantLayer", "CBLAS"],
                          path: "Experiments/Benchmarks"),

        .testTarget(name: "TensorCoreTests", dependencies: [
            "TensorCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "NeuralNetTests", dependencies: [
            "NeuralNet", "TensorCore", "HDF5IO", "CBLAS",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "EquivariantLayerTests", dependencies: [
            "EquivariantLayer", "NeuralNet", "TensorCore",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
