extension ImageDataset {
    /// Every image centre-cropped to a square and area-resized to `size × size` (STL-10's
    /// 96 → 48 of Miyato et al., CelebA's faces to 64).
    public func resized(to size: Int) throws -> ImageDataset {
        guard (1...4_096).contains(size) else {
            throw DatasetError.invalidParameter(dataset: source, parameter: "size", detail: "must be in 1…4096, got \(size)")
        }
        try ImageDataset.checkFitsInMemory(count: count, size: size, bytesPerPixel: shape[1], source: source)
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let imageSize = c * h * w
        var output: [UInt8] = []
        output.reserveCapacity(n * c * size * size)
        for image in 0..<n {
            output += areaResizedCentreSquare(Array(pixels[(image * imageSize)..<((image + 1) * imageSize)]),
                                              channels: c, width: w, height: h, size: size)
        }
        return try ImageDataset(shape: [n, c, size, size], pixels: output, labels: labels,
                                source: source + ", centre-cropped and area-resized to \(size)×\(size)")
    }
}

/// The centred square of side min(width, height) of a planar image `[channels, height,
/// width]`, resized to `size × size` by area averaging: each output pixel is the mean of the
/// input pixels it covers, with fractional weights at its edges (exact for integer factors).
func areaResizedCentreSquare(_ planes: [UInt8], channels: Int, width: Int, height: Int, size: Int) -> [UInt8] {
    let side = min(width, height)
    let left = (width - side) / 2, top = (height - side) / 2
    let scale = Double(side) / Double(size)
    var output = [UInt8](repeating: 0, count: channels * size * size)
    for y in 0..<size {
        let y0 = Double(y) * scale, y1 = y0 + scale
        for x in 0..<size {
            let x0 = Double(x) * scale, x1 = x0 + scale
            for channel in 0..<channels {
                var total = 0.0, weights = 0.0
                for sy in Int(y0)..<min(Int(y1.rounded(.up)), side) {
                    let wy = min(y1, Double(sy + 1)) - max(y0, Double(sy))
                    for sx in Int(x0)..<min(Int(x1.rounded(.up)), side) {
                        let weight = wy * (min(x1, Double(sx + 1)) - max(x0, Double(sx)))
                        total += weight * Double(planes[(channel * height + top + sy) * width + left + sx])
                        weights += weight
                    }
                }
                output[(channel * size + y) * size + x] = UInt8(min(255, max(0, (total / weights).rounded())))
            }
        }
    }
    return output
}
