import CJPEGDecoder
import Datasets
import Foundation
import MixtureExperiments
import NeuralNet
import Reporting
import TensorCore
import Training

/// A libFuzzer harness over every loader that reads a user's file (issue 14): the first byte
/// of an input picks the loader, the rest is the file's contents. An error thrown is the
/// correct outcome for a bad file; a crash, a trap, a hang or an allocation past libFuzzer's
/// limit is a finding. `make fuzz` builds it with `-sanitize=fuzzer` and runs each loader's
/// seed corpus (Experiments/Fuzz/corpus/<loader>/); without that flag it builds as a plain
/// executable that replays files given on the command line (to reproduce a finding).
enum FuzzLoader: UInt8, CaseIterable {
    case hdf5Images, checkpoint, cifar10, stl10, idx, png, jpeg, runConfig

    /// Loads `bytes` as this loader's file; returns the error it threw (an error is a pass).
    @discardableResult
    func load(_ bytes: Data) -> Error? {
        let folder = FuzzScratch.folder
        do {
            switch self {
            case .hdf5Images:
                try FuzzScratch.write(bytes, to: "images.h5")
                _ = try ImageDataset.read(fromHDF5: folder + "/images.h5")
            case .checkpoint:
                try FuzzScratch.write(bytes, to: "checkpoint.h5")
                let contents = try Checkpoint.inspect(folder + "/checkpoint.h5")
                var random = RandomStream(seed: 0)
                let model = try Sequential.perceptron(inputSize: 2, hiddenSizes: [4], outputSize: 2, random: &random)
                try Checkpoint.restore(from: contents.path, modules: ["generator": model],
                                       optimizers: ["generator": try Adam(for: model)])
            case .cifar10:
                try FuzzScratch.write(bytes, to: "test_batch.bin")
                _ = try BinaryImageReaders.cifar10(folder: folder, split: .test)
            case .stl10:
                try FuzzScratch.write(bytes, to: "test_X.bin")
                _ = try BinaryImageReaders.stl10(imagesFile: folder + "/test_X.bin")
            case .idx:  // gzip-compressed when the bytes start with gzip's magic number
                let name = bytes.starts(with: [0x1F, 0x8B]) ? "images-idx3-ubyte.gz" : "images-idx3-ubyte"
                try FuzzScratch.write(bytes, to: name)
                _ = try IDXReader.read(folder + "/" + name)
            case .png, .jpeg:
                let name = self == .png ? "image.png" : "image.jpg"
                try FuzzScratch.write(bytes, to: "images/" + name)
                // Removed whatever happens: the folder must hold this input alone.
                defer { try? FileManager.default.removeItem(atPath: folder + "/images/" + name) }
                _ = try ImageFolderConverter.convert(folder: folder + "/images", size: 8)
            case .runConfig:
                let config = try MixtureRunConfig.decode(bytes, over: MixtureRunConfig(), source: "fuzz")
                try config.validate()
            }
        } catch {
            return error
        }
        return nil
    }

    /// `MIXEDBATCH_FUZZ_LOADER=png` (a case name): every input goes to that loader (make fuzz
    /// runs one campaign per loader); unset, an input's first byte picks it.
    static let fixed: FuzzLoader? = ProcessInfo.processInfo.environment["MIXEDBATCH_FUZZ_LOADER"].flatMap { name in
        allCases.first { "\($0)" == name }
    }

    /// The input `data` (its first byte picks the loader unless one is fixed; it is dropped
    /// either way, so the seeds serve both). Returns the loader and its error.
    @discardableResult
    static func run(_ data: Data) -> (FuzzLoader, Error?)? {
        guard let first = data.first else { return nil }
        let loader = fixed ?? FuzzLoader.allCases[Int(first) % FuzzLoader.allCases.count]
        return (loader, loader.load(data.dropFirst()))
    }
}

/// A private scratch folder per process for the files the loaders read.
enum FuzzScratch {
    static let folder: String = {
        let path = NSTemporaryDirectory() + "/mixedbatch-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path + "/images", withIntermediateDirectories: true)
        return path
    }()

    static func write(_ bytes: Data, to name: String) throws {
        try bytes.write(to: URL(fileURLWithPath: folder + "/" + name))
    }
}

/// libFuzzer's entry for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzLoader.run(data.map { Data(bytes: $0, count: size) } ?? Data())
    return 0
}

#if FUZZING
/// libFuzzer's driver (SwiftPM gives an executable its own `main`, so the harness calls the
/// driver instead of linking libFuzzer's `main`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

/// With `-DFUZZING` (make fuzz): libFuzzer's driver with its usual flags and corpus folders.
/// Without: replays each file named on the command line (a finding, or a corpus);
/// `--write-corpus <folder>` writes one valid seed per loader (what Experiments/Fuzz/corpus holds).
@main
enum FuzzReplay {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        #else
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--write-corpus", arguments.count == 2 {
            do { try FuzzSeeds.write(to: arguments[1]) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                exit(1)
            }
            return
        }
        for path in arguments {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            guard let (loader, error) = FuzzLoader.run(data) else { continue }
            print("\(path): \(loader): " + (error.map { "rejected (\($0))" } ?? "loaded"))
        }
        #endif
    }
}

/// One small valid file per loader, prefixed with its loader's byte.
enum FuzzSeeds {
    static func write(to folder: String) throws {
        let scratch = FuzzScratch.folder
        var seeds: [FuzzLoader: Data] = [:]
        var random = RandomStream(seed: 1)
        let images = (0..<2 * 3 * 8 * 8).map { _ in UInt8(random.integer(in: 0..<256)) }
        try ImageDataset(shape: [2, 3, 8, 8], pixels: images, labels: [3, 7], source: "seed")
            .write(toHDF5: scratch + "/seed-images.h5", overwrite: true)
        seeds[.hdf5Images] = try Data(contentsOf: URL(fileURLWithPath: scratch + "/seed-images.h5"))
        let model = try Sequential.perceptron(inputSize: 2, hiddenSizes: [4], outputSize: 2, random: &random)
        try Checkpoint.save(to: scratch + "/seed-checkpoint.h5", step: 3, modules: ["generator": model],
                            optimizers: ["generator": try Adam(for: model)], metadata: ["config": "{}"], overwrite: true)
        seeds[.checkpoint] = try Data(contentsOf: URL(fileURLWithPath: scratch + "/seed-checkpoint.h5"))
        seeds[.cifar10] = Data([4] + images.prefix(3 * 32 * 32) + [UInt8](repeating: 9, count: 3 * 32 * 32 - 384))
        seeds[.stl10] = Data((0..<3 * 96 * 96).map { UInt8(truncatingIfNeeded: $0 * 7) })
        seeds[.idx] = Data([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4] + images.prefix(32))
        let canvas = try Canvas(width: 6, height: 5)
        try canvas.savePNG(to: scratch + "/seed.png", existing: .overwrite)
        seeds[.png] = try Data(contentsOf: URL(fileURLWithPath: scratch + "/seed.png"))
        var message = [CChar](repeating: 0, count: 200)
        let pixels = (0..<12 * 10 * 3).map { UInt8(truncatingIfNeeded: $0 * 5) }
        guard mixedbatch_jpeg_encode_file(scratch + "/seed.jpg", pixels, 12, 10, 3, 90, &message) == MIXEDBATCH_JPEG_OK else {
            throw DatasetError.corruptFile(path: scratch + "/seed.jpg", detail: "libjpeg could not write the seed")
        }
        seeds[.jpeg] = try Data(contentsOf: URL(fileURLWithPath: scratch + "/seed.jpg"))
        seeds[.runConfig] = Data(#"{"method": "mbgan", "gamma": 0.3, "width": 64, "modes": 16, "dataset": "squares"}"#.utf8)
        for (loader, bytes) in seeds {
            let directory = folder + "/\(loader)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try (Data([loader.rawValue]) + bytes).write(to: URL(fileURLWithPath: directory + "/seed"))
        }
    }
}
