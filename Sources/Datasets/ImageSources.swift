import Foundation

/// How the axes of a 4-D NumPy image array are ordered.
public enum ImageLayout: String, CaseIterable, Sendable {
    /// NCHW when axis 1 has 1 or 3 entries and axis 3 does not, NHWC the other way round;
    /// ambiguous arrays (both 1 or 3) must be named.
    case auto, nchw, nhwc
}

extension ImageDataset {
    /// The images at `path`, whatever produced them, as 8-bit NCHW:
    /// - an HDF5 file with a uint8 `images` dataset `[N, C, H, W]` (what this project writes);
    /// - a folder of PNG / JPEG files, all of one size, decoded to RGB in name order;
    /// - a NumPy `.npy` file or `.npz` archive (its array `array`, or its only one): uint8 in
    ///   0…255 or float in [0, 1] (rounded to 8 bits), `[N, H, W]` (grey), `[N, C, H, W]` or
    ///   `[N, H, W, C]` with C = 1 or 3 (`layout`).
    ///
    /// Every refusal names the file and the fix (a float array in [−1, 1], say, must be mapped
    /// to [0, 1] first).
    public static func readImages(from path: String, layout: ImageLayout = .auto, array: String? = nil) throws -> ImageDataset {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DatasetError.missingFile(path: path, remedy: "pass an HDF5 file, a folder of PNG/JPEG images, or a .npy/.npz array")
        }
        if isFolder.boolValue { return try ImageFolderConverter.read(folder: path) }
        let lowercased = path.lowercased()
        if lowercased.hasSuffix(".npy") || lowercased.hasSuffix(".npz") {
            return try images(of: NumPyArray.read(path, member: array), layout: layout, path: path)
        }
        return try read(fromHDF5: path)
    }

    /// A NumPy array of images as a dataset (see `readImages`).
    static func images(of array: NumPyArray, layout: ImageLayout, path: String) throws -> ImageDataset {
        var shape = array.shape
        if shape.count == 3 { shape.insert(1, at: 1) }
        guard shape.count == 4 else {
            throw DatasetError.invalidParameter(dataset: path, parameter: "shape", detail: "\(array.shape) is not [N, H, W], "
                                                + "[N, C, H, W] or [N, H, W, C]")
        }
        let channelsFirst = [1, 3].contains(shape[1]), channelsLast = [1, 3].contains(shape[3])
        let resolved: ImageLayout
        switch layout {
        case .auto:
            guard channelsFirst != channelsLast else {
                throw DatasetError.invalidParameter(dataset: path, parameter: "layout", detail: "of shape \(array.shape) is "
                    + (channelsFirst ? "ambiguous" : "not images with 1 or 3 channels") + "; say --layout nchw or nhwc")
            }
            resolved = array.shape.count == 3 || channelsFirst ? .nchw : .nhwc
        default: resolved = array.shape.count == 3 ? .nchw : layout
        }
        let (n, c, h, w) = resolved == .nchw ? (shape[0], shape[1], shape[2], shape[3]) : (shape[0], shape[3], shape[1], shape[2])
        guard [1, 3].contains(c) else {
            throw DatasetError.invalidParameter(dataset: path, parameter: "channels", detail: "are \(c) in layout \(resolved.rawValue) "
                                                + "(shape \(array.shape)); images have 1 or 3")
        }
        let pixels = try eightBit(array, path: path)
        guard resolved == .nhwc else { return try ImageDataset(shape: [n, c, h, w], pixels: pixels, source: path) }
        var planar = [UInt8](repeating: 0, count: pixels.count)
        for image in 0..<n {
            for y in 0..<h {
                for x in 0..<w {
                    for channel in 0..<c {
                        planar[((image * c + channel) * h + y) * w + x] = pixels[((image * h + y) * w + x) * c + channel]
                    }
                }
            }
        }
        return try ImageDataset(shape: [n, c, h, w], pixels: planar, source: path)
    }

    /// uint8 values as they are; floats in [0, 1] as `round(255·x)`.
    private static func eightBit(_ array: NumPyArray, path: String) throws -> [UInt8] {
        if array.element == .uint8 { return array.bytes }
        let values = array.doubleValues()
        guard values.allSatisfy(\.isFinite) else {
            throw DatasetError.invalidParameter(dataset: path, parameter: "values", detail: "include NaN or infinity")
        }
        guard let low = values.min(), let high = values.max() else { return [] }
        guard low >= 0, high <= 1 else {
            let hint = low < 0 && low >= -1 ? "; images in [−1, 1] map to [0, 1] by (x + 1) / 2"
                : high > 1 && high <= 255 ? "; 8-bit values belong in a uint8 array (x.astype(np.uint8))" : ""
            throw DatasetError.invalidParameter(dataset: path, parameter: "values",
                                                detail: "span [\(low), \(high)], but float images must lie in [0, 1]\(hint)")
        }
        return values.map { UInt8(($0 * 255).rounded()) }
    }
}

extension ImageFolderConverter {
    /// All PNG and JPEG files of `folder` in name order, decoded to RGB at their own size, which
    /// must be the same for all (`[N, 3, H, W]`); throws naming the first file of another size.
    public static func read(folder: String) throws -> ImageDataset {
        let names = try imageNames(in: folder)
        var pixels: [UInt8] = []
        var size: (width: Int, height: Int)?
        for name in names {
            let path = folder + "/" + name
            let (width, height, rgb) = name.lowercased().hasSuffix(".png") ? try decodePNG(path) : try decodeJPEG(path)
            if let size, size != (width, height) {
                throw DatasetError.invalidParameter(dataset: folder, parameter: "image sizes",
                    detail: "differ: \(names[0]) is \(size.width)×\(size.height), \(name) is \(width)×\(height); resize them "
                        + "to one size (`mixedbatch data convert --folder` centre-crops and resizes)")
            }
            if size == nil {
                size = (width, height)
                try ImageDataset.checkFitsInMemory(count: names.count, size: max(width, height), bytesPerPixel: 3, source: folder)
                pixels.reserveCapacity(names.count * 3 * width * height)
            }
            pixels += (0..<3).flatMap { channel in stride(from: channel, to: rgb.count, by: 3).map { rgb[$0] } }
        }
        let (width, height) = size!
        return try ImageDataset(shape: [names.count, 3, height, width], pixels: pixels,
                                source: "\(names.count) PNG/JPEG images of \(folder)")
    }
}
