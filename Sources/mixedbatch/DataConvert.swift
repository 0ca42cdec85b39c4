import ArgumentParser
import Datasets
import Foundation

/// `mixedbatch data convert`: turns CIFAR-10 / STL-10 binaries or a folder of PNG/JPEG images into
/// the HDF5 image datasets (uint8 `[N, C, H, W]`) that the image experiments read.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "Prepare datasets.",
                                                    subcommands: [DataConvert.self, DataGlyphs.self, DataGlyphClassifier.self, DataMNIST5k.self, DataDigits.self])
}

struct DataConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert CIFAR-10 or STL-10 binaries, or a folder of PNG/JPEG images, to an HDF5 image dataset.",
        discussion: """
        mixedbatch data convert --format cifar10 --input cifar-10-batches-bin --output data/cifar10-train.h5
        mixedbatch data convert --format mnist --input mnist --split test --output data/mnist-test.h5
        mixedbatch data convert --format stl10 --input stl10_binary/unlabeled_X.bin --size 48 --output data/stl10-48.h5
        mixedbatch data convert --format folder --input img_align_celeba --size 64 --output data/celeba-64.h5
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case cifar10, stl10, mnist, folder }

    @Option(help: ArgumentHelp("cifar10 (a cifar-10-batches-bin folder), stl10 (a *_X.bin file), mnist (a folder of the "
                               + "IDX files, .gz or not) or folder (PNG/JPEG images)."))
    var format: Format

    @Option(help: "The folder or file to read.")
    var input: String

    @Option(help: "The HDF5 file to write.")
    var output: String

    @Option(help: "CIFAR-10 and MNIST split: train or test.")
    var split: String = "train"

    @Option(help: "Centre-crop and area-resize every image to size × size (required for folder).")
    var size: Int?

    @Flag(help: "Replace an existing output file.")
    var overwrite = false

    func run() throws {
        var dataset: ImageDataset
        switch format {
        case .cifar10:
            guard let chosen = BinaryImageReaders.CIFAR10Split(rawValue: split) else {
                throw ValidationError("--split must be train or test, not '\(split)'")
            }
            dataset = try BinaryImageReaders.cifar10(folder: input, split: chosen)
        case .stl10:
            dataset = try BinaryImageReaders.stl10(imagesFile: input)
        case .mnist:
            guard let chosen = IDXReader.MNISTSplit(rawValue: split) else {
                throw ValidationError("--split must be train or test, not '\(split)'")
            }
            dataset = try IDXReader.mnist(folder: input, split: chosen)
        case .folder:
            guard let size else { throw ValidationError("--format folder needs --size (e.g. 64)") }
            dataset = try ImageFolderConverter.convert(folder: input, size: size)
        }
        if let size, dataset.shape[2] != size || dataset.shape[3] != size { dataset = try dataset.resized(to: size) }
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try dataset.write(toHDF5: output, overwrite: overwrite)
        print("wrote \(output): \(dataset.shape) uint8\(dataset.labels == nil ? "" : " with labels") from \(dataset.source)")
    }
}
