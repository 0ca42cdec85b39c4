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
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
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
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // OpenMPI, for data-parallel training over processes (only executables link it).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

        .target(name: "CKernels"),
        // libjpeg behind an error manager that returns instead of calling exit(); its own
        // target so that TensorCore (through CKernels) never links libjpeg.
        .target(name: "CJPEGDecoder", dependencies: ["CJPEG"], linkerSettings: [.linkedLibrary("jpeg")]),
        // oneDNN's convolution primitives behind a small C API (Debian's libdnnl-dev), and the
        // OpenMP team they run on (GCC's libgomp, which Debian's oneDNN uses), shared with our kernels.
        .target(name: "CDNNLConvolution", linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),
        .target(name: "TensorCore", dependencies: ["CBLAS", "CKernels", "CDNNLConvolution"]),
        .target(name: "AtomicFiles"),
        // MPI_COMM_WORLD as a ProcessGroup: data parallelism across processes and machines.
        .target(name: "Distributed", dependencies: ["CMPI", "TensorCore"]),
        // The memory a process may plan for (physical, cgroup, MIXEDBATCH_MEMORY_LIMIT).
        .target(name: "SystemLimits"),
        .target(name: "HDF5IO", dependencies: ["CHDF5", "AtomicFiles", "SystemLimits"]),
        .target(name: "NeuralNet", dependencies: ["TensorCore", "HDF5IO", "CKernels"]),
        .target(name: "EquivariantLayer", dependencies: ["TensorCore", "NeuralNet"]),
        .target(name: "Datasets", dependencies: ["TensorCore", "HDF5IO", "CPNG", "CJPEG", "CJPEGDecoder", "CZlib", "SystemLimits"]),
        .target(name: "Evaluation", dependencies: ["TensorCore", "NeuralNet", "Datasets", "HDF5IO", "CBLAS", "CFFTW"]),
        .target(name: "Reporting", dependencies: ["TensorCore", "CPNG", "AtomicFiles"]),
        // The generic training layer: procedures of players, metrics, sampling and likelihood
        // protocols, settings groups. Nothing generic imports anything adversarial.
        .target(name: "Training", dependencies: ["TensorCore", "NeuralNet", "SystemLimits"]),
        .target(name: "Distributions", dependencies: ["TensorCore", "NeuralNet", "Training"]),
        // Bijections, NICE and Real-NVP pieces, densities by change of variables.
        .target(name: "Flows", dependencies: ["TensorCore", "NeuralNet", "Training", "Distributions"]),
        // VAEs: Gaussian encoders, observation models, ELBO and IWAE bounds.
        .target(name: "Variational", dependencies: ["TensorCore", "NeuralNet", "Training", "Distributions"]),
        // PixelCNN++: causal streams, gated blocks, the conditional form of chapter 3.
        .target(name: "Autoregressive", dependencies: ["TensorCore", "NeuralNet", "Training", "Distributions"]),
        // AGAVE (chapter 3): a VAE whose auxiliary decoder guides a conditional PixelCNN++.
        .target(name: "AGAVE", dependencies: ["TensorCore", "NeuralNet", "Training", "Distributions", "Variational", "Autoregressive"]),
        // GANs: objectives, mixing priors, discriminators, the SNGAN stack, the GAN procedure.
        .target(name: "Adversarial", dependencies: ["TensorCore", "NeuralNet", "EquivariantLayer", "Training"]),
        .target(name: "ExperimentRuns", dependencies: [
            "Training", "NeuralNet", "Reporting", "TensorCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The auto-encoding GAN hybrids of the BMS paper (spec §6): BMS-VAE-GAN, α-GAN, WAE, VAE-GAN.
        .target(name: "Hybrid", dependencies: ["TensorCore", "NeuralNet", "Training", "Distributions"]),
        .target(name: "MixtureExperiments", dependencies: [
            "TensorCore", "NeuralNet", "Adversarial", "Hybrid", "Training", "Datasets", "Evaluation", "Reporting", "ExperimentRuns",
        ]),
        .target(name: "ImageExperiments", dependencies: [
            "TensorCore", "NeuralNet", "Adversarial", "Hybrid", "Training", "Datasets", "Evaluation", "Reporting", "ExperimentRuns",
        ]),

        // Likelihood runs: flows and VAEs trained and evaluated on HDF5 image datasets.
        .target(name: "DensityExperiments", dependencies: [
            "TensorCore", "NeuralNet", "Training", "Distributions", "Flows", "Variational", "Autoregressive", "AGAVE", "Datasets", "Reporting",
            "ExperimentRuns",
        ]),

        // Flow-GAN (spec §5): a flow trained by likelihood, adversarially or both; its analyses.
        .target(name: "FlowGAN", dependencies: [
            "TensorCore", "NeuralNet", "Training", "Flows", "Adversarial", "DensityExperiments", "Datasets", "Evaluation",
            "Reporting", "ExperimentRuns",
        ]),

        // Adaptive density estimation (spec §4): a VAE in the feature space of a Real-NVP, trained
        // by likelihood, adversarially or both (Table 5.1's models).
        .target(name: "AdaptiveDensity", dependencies: [
            "TensorCore", "NeuralNet", "Training", "Flows", "Variational", "Distributions", "Adversarial", "DensityExperiments",
            "Datasets", "Evaluation", "Reporting", "ExperimentRuns",
        ]),

        .executableTarget(name: "mixedbatch", dependencies: [
            "MixtureExperiments", "Hybrid", "ImageExperiments", "DensityExperiments", "FlowGAN", "AdaptiveDensity", "ExperimentRuns", "Training", "Datasets", "Evaluation", "TensorCore", "HDF5IO", "AtomicFiles", "Distributed",
            "NeuralNet",
            "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "Chapter4", dependencies: [
            "MixtureExperiments", "ImageExperiments", "ExperimentRuns", "Training", "Datasets", "Adversarial", "Reporting",
            "TensorCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
                          path: "Experiments/Chapter4", exclude: ["configs", "RESULTS.md", "glyph-classifier.h5"]),

        .executableTarget(name: "BMS", dependencies: [
            "MixtureExperiments", "ImageExperiments", "Hybrid", "Datasets", "Training", "ExperimentRuns", "Reporting", "TensorCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Experiments/BMS", exclude: ["RESULTS.md"]),

        .executableTarget(name: "Chapter3", dependencies: [
            "DensityExperiments", "AGAVE", "ExperimentRuns", "Training", "Datasets", "Reporting", "TensorCore", "NeuralNet",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Experiments/Chapter3", exclude: ["RESULTS.md"]),

        .executableTarget(name: "Chapter5", dependencies: [
            "FlowGAN", "AdaptiveDensity", "ImageExperiments", "ExperimentRuns", "Training", "Datasets", "Evaluation", "Reporting", "TensorCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Experiments/Chapter5", exclude: ["RESULTS.md"]),

        .executableTarget(name: "Benchmarks", dependencies: [
            "TensorCore", "NeuralNet", "EquivariantLayer", "CBLAS", "CDNNLConvolution", "Adversarial", "Training", "Datasets",
            "Flows", "Autoregressive", "Evaluation", "Distributed",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
                          path: "Experiments/Benchmarks", exclude: ["pytorch_reference_2d.py", "pytorch_reference_sngan.py", "pytorch_reference_flows.py", "pytorch_reference_pixelcnn.py", "pytorch_reference_inception.py", "reference_timing.py"]),

        // The loaders' libFuzzer harness (`make fuzz`); a plain build replays files instead.
        .executableTarget(name: "FuzzLoaders", dependencies: [
            "CJPEGDecoder", "Datasets", "MixtureExperiments", "NeuralNet", "Reporting", "TensorCore", "Training",
        ], path: "Experiments/Fuzz", exclude: ["corpus", "findings", "run_campaign.sh"]),

        .executableTarget(name: "ProofChecks", dependencies: [
            "TensorCore", "NeuralNet", "EquivariantLayer", "Adversarial",
            .product(name: "BigInt", package: "BigInt"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Proofs/Checks"),

        // Helpers the test targets share (a temporary folder that never outlives the process).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: [
            "TensorCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "NeuralNetTests", dependencies: [
            "TestSupport",
            "NeuralNet", "TensorCore", "HDF5IO", "CBLAS", "CHDF5", "CKernels",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CBLAS", "CFFTW", "CHDF5", "CPNG"]),
        .testTarget(name: "ReportingTests", dependencies: ["TestSupport", "Reporting", "TensorCore", "CPNG"]),
        .testTarget(name: "DatasetsTests", dependencies: [
            "TestSupport", "Datasets", "Evaluation", "TensorCore", "Reporting", "CJPEGDecoder",
        ]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TensorCore", "HDF5IO", "NeuralNet", "Datasets"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "AdversarialTests", dependencies: [
            "Adversarial", "Training", "EquivariantLayer", "Datasets", "NeuralNet", "TensorCore",
        ]),
        .testTarget(name: "DistributedTests", dependencies: [
            "TestSupport",
            "Adversarial", "AdaptiveDensity", "Datasets", "DensityExperiments", "ExperimentRuns", "FlowGAN", "Hybrid",
            "MixtureExperiments", "NeuralNet", "TensorCore", "Training",
        ]),
        .testTarget(name: "HybridTests", dependencies: ["Hybrid", "NeuralNet", "TensorCore", "Training"]),
        .testTarget(name: "DistributionsTests", dependencies: ["Distributions", "TensorCore", "NeuralNet", "Training"]),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "Distributions", "TensorCore", "NeuralNet", "Training"]),
        .testTarget(name: "AutoregressiveTests", dependencies: [
            "Autoregressive", "AGAVE", "Variational", "Distributions", "TensorCore", "NeuralNet", "Training",
        ]),
        .testTarget(name: "VariationalTests", dependencies: ["Variational", "Distributions", "TensorCore", "NeuralNet", "Training"]),
        .testTarget(name: "DensityExperimentsTests", dependencies: [
            "TestSupport",
            "DensityExperiments", "Datasets", "ExperimentRuns", "NeuralNet", "TensorCore", "Training",
        ]),
        .testTarget(name: "AdaptiveDensityTests", dependencies: [
            "TestSupport",
            "AdaptiveDensity", "Adversarial", "Variational", "DensityExperiments", "Distributions", "Datasets", "Evaluation", "ExperimentRuns",
            "NeuralNet", "Reporting", "TensorCore", "Training",
        ]),
        .testTarget(name: "FlowGANTests", dependencies: [
            "TestSupport",
            "FlowGAN", "DensityExperiments", "Datasets", "Evaluation", "ExperimentRuns", "NeuralNet", "TensorCore", "Training",
        ]),
        .testTarget(name: "TrainingTests", dependencies: [
            "TestSupport",
            "Training", "Distributions", "ExperimentRuns", "Datasets", "NeuralNet", "TensorCore", "Reporting",
        ]),
        .testTarget(name: "MixtureExperimentsTests", dependencies: [
            "TestSupport",
            "MixtureExperiments", "Hybrid", "ExperimentRuns", "Training", "Adversarial", "NeuralNet", "Reporting", "TensorCore",
        ]),
        .testTarget(name: "ImageExperimentsTests", dependencies: [
            "TestSupport",
            "ImageExperiments", "Hybrid", "ExperimentRuns", "Training", "Adversarial", "Datasets", "Evaluation", "NeuralNet",
            "Reporting", "TensorCore",
        ]),
        .testTarget(name: "ProofChecksTests", dependencies: ["ProofChecks", .product(name: "BigInt", package: "BigInt")]),
        .testTarget(name: "EquivariantLayerTests", dependencies: [
            "EquivariantLayer", "NeuralNet", "TensorCore",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
