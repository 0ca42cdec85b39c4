import Foundation

extension ImageDataset {
    /// The images centred on a `side × side` canvas of zeros (MNIST's 28×28 digits at 32×32 for
    /// the 32×32 networks of chapters 4 and 5), labels kept.
    public func padded(toSide side: Int) throws -> ImageDataset {
        let (channels, height, width) = (shape[1], shape[2], shape[3])
        guard side >= height, side >= width else {
            throw DatasetError.invalidParameter(dataset: source, parameter: "side",
                                                detail: "\(side) is smaller than the images' \(height)×\(width)")
        }
        let top = (side - height) / 2, left = (side - width) / 2
        var out = [UInt8](repeating: 0, count: count * channels * side * side)
        for image in 0..<count {
            for channel in 0..<channels {
                for y in 0..<height {
                    let from = ((image * channels + channel) * height + y) * width
                    let to = ((image * channels + channel) * side + y + top) * side + left
                    for x in 0..<width { out[to + x] = pixels[from + x] }
                }
            }
        }
        return try ImageDataset(shape: [count, channels, side, side], pixels: out, labels: labels,
                                source: "\(source), padded to \(side)×\(side)", levels: levels)
    }
}
