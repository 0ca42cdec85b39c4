import CFFTW
import Foundation
import TensorCore

/// The azimuthally averaged power spectrum of images `[N, C, H, W]`: for each integer radius
/// r = 0 … ⌊min(H, W)/2⌋ in frequency space, the mean of |F(u, v)|² / (H·W) over the
/// frequencies with `round(√(u² + v²)) = r`, over all images and channels. Computed in
/// Float64 with FFTW's real-to-complex 2D transform.
public func azimuthalPowerSpectrum(_ images: Tensor) throws -> [Double] {
    guard images.rank == 4, images.shape[0] >= 1, images.shape[2] >= 2, images.shape[3] >= 2 else {
        throw TensorError.invalidShape(operation: "azimuthalPowerSpectrum", shape: images.shape,
                                       expected: "images [N, C, H, W] with N ≥ 1 and H, W ≥ 2")
    }
    let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let columns = w / 2 + 1
    let input = fftw_alloc_real(h * w)!, output = fftw_alloc_complex(h * columns)!
    defer { fftw_free(input); fftw_free(output) }
    guard let plan = fftw_plan_dft_r2c_2d(Int32(h), Int32(w), input, output, UInt32(FFTW_ESTIMATE)) else {
        throw TensorError.invalidArgument(operation: "azimuthalPowerSpectrum", detail: "FFTW could not plan a \(h)×\(w) transform")
    }
    defer { fftw_destroy_plan(plan) }
    let bins = min(h, w) / 2 + 1
    var power = [Double](repeating: 0, count: bins), counts = [Double](repeating: 0, count: bins)
    let scalars = images.scalars
    for plane in 0..<(n * c) {
        for i in 0..<(h * w) { input[i] = Double(scalars[plane * h * w + i]) }
        fftw_execute(plan)
        for row in 0..<h {
            let u = Double(row <= h / 2 ? row : row - h)
            for column in 0..<columns {
                let radius = Int((u * u + Double(column * column)).squareRoot().rounded())
                guard radius < bins else { continue }
                let value = output[row * columns + column]
                // The half spectrum stands for both ±v except on the columns without a mirror.
                let multiplicity: Double = column == 0 || (w % 2 == 0 && column == w / 2) ? 1 : 2
                power[radius] += multiplicity * (value.0 * value.0 + value.1 * value.1) / Double(h * w)
                counts[radius] += multiplicity
            }
        }
    }
    return zip(power, counts).map { $1 > 0 ? $0 / $1 : 0 }
}

/// The spectral distance between two image sets: the root mean square difference of the
/// natural logarithms of their azimuthal power spectra over the radii 1 … ⌊min(H, W)/2⌋ (the
/// mean, radius 0, is left out). 0 for identical spectra; a generator that misses high
/// frequencies (blur) or adds them (checkerboard artefacts) scores high.
public func spectralDistance(real: Tensor, generated: Tensor) throws -> Double {
    guard real.rank == 4, generated.rank == 4, Array(real.shape.dropFirst()) == Array(generated.shape.dropFirst()) else {
        throw TensorError.shapeMismatch(operation: "spectralDistance", lhs: real.shape, rhs: generated.shape,
                                        expected: "two image sets [N, C, H, W] with the same C, H and W")
    }
    let a = try azimuthalPowerSpectrum(real), b = try azimuthalPowerSpectrum(generated)
    let floor = 1e-12  // keeps log finite for an exactly flat image
    let squares = zip(a, b).dropFirst().map { pow(Foundation.log($0 + floor) - Foundation.log($1 + floor), 2) }
    return (squares.reduce(0, +) / Double(max(squares.count, 1))).squareRoot()
}
