// swift-tools-version: 6.1
// A package outside MixedBatch that imports EquivariantLayer, as a user's would.
// Depend by path (here) or by URL: .package(url: "<your MixedBatch clone URL>", branch: "main").
import PackageDescription

let package = Package(
    name: "SetClassifier",
    dependencies: [.package(name: "MixedBatch", path: "../..")],
    targets: [
        .executableTarget(name: "SetClassifier", dependencies: [
            .product(name: "EquivariantLayer", package: "MixedBatch"),
            .product(name: "NeuralNet", package: "MixedBatch"),
            .product(name: "TensorCore", package: "MixedBatch"),
        ]),
    ]
)
