import CBLAS
import CFFTW
import CHDF5
import CPNG
import Foundation
import Testing

/// The native libraries are found, link, and compute what they should.
@Suite struct SystemLibraryTests {
    @Test func sgemmMultipliesMatrices() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]          // [2×3]
        let b: [Float] = [7, 8, 9, 10, 11, 12]       // [3×2]
        var c = [Float](repeating: 0, count: 4)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
        #expect(c == [58, 64, 139, 154])
    }

    /// LAPACK's symmetric eigensolver (used by the Fréchet distance) on [[2, 1], [1, 2]].
    @Test func symmetricEigenvalues() {
        var single: [Float] = [2, 1, 1, 2]
        var singleValues = [Float](repeating: 0, count: 2)
        #expect(LAPACKE_ssyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), 2, &single, 2, &singleValues) == 0)
        #expect(singleValues == [1, 3])
        var double: [Double] = [4, 0, 0, 9]
        var doubleValues = [Double](repeating: 0, count: 2)
        #expect(LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "U")), 2, &double, 2, &doubleValues) == 0)
        #expect(doubleValues == [4, 9])
    }

    /// The FFT of a pure cosine has its energy in the two matching bins (float and double).
    @Test func fftOfACosine() {
        let n = 16
        let input = (0..<n).map { cos(2 * Double.pi * 3 * Double($0) / Double(n)) }
        let output = fftw_alloc_complex(n / 2 + 1)!
        defer { fftw_free(output) }
        var signal = input
        let plan = fftw_plan_dft_r2c_1d(Int32(n), &signal, output, UInt32(FFTW_ESTIMATE))
        fftw_execute(plan)
        fftw_destroy_plan(plan)
        let magnitudes = (0...(n / 2)).map { hypot(output[$0].0, output[$0].1) }
        #expect(abs(magnitudes[3] - Double(n) / 2) < 1e-9)
        #expect(magnitudes.enumerated().filter { $0.offset != 3 }.allSatisfy { $0.element < 1e-9 })

        var floatSignal = input.map(Float.init)
        let floatOutput = fftwf_alloc_complex(n / 2 + 1)!
        defer { fftwf_free(floatOutput) }
        let floatPlan = fftwf_plan_dft_r2c_1d(Int32(n), &floatSignal, floatOutput, UInt32(FFTW_ESTIMATE))
        fftwf_execute(floatPlan)
        fftwf_destroy_plan(floatPlan)
        #expect(abs(hypot(floatOutput[3].0, floatOutput[3].1) - Float(n) / 2) < 1e-4)
    }

    /// libpng's simplified API writes an RGB image to memory and reads it back.
    @Test func pngRoundTrip() {
        let width = 3, height = 2
        let pixels: [UInt8] = (0..<(width * height * 3)).map { UInt8($0 * 13 % 256) }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        #expect(png_image_write_to_memory(&image, nil, &size, 0, pixels, 0, nil) != 0)
        var encoded = [UInt8](repeating: 0, count: size)
        #expect(png_image_write_to_memory(&image, &encoded, &size, 0, pixels, 0, nil) != 0)
        #expect(Array(encoded.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])  // "\x89PNG"

        var decoded = png_image()
        decoded.version = UInt32(PNG_IMAGE_VERSION)
        #expect(png_image_begin_read_from_memory(&decoded, encoded, size) != 0)
        decoded.format = UInt32(PNG_FORMAT_RGB)
        var readBack = [UInt8](repeating: 0, count: width * height * 3)
        #expect(png_image_finish_read(&decoded, nil, &readBack, 0, nil) != 0)
        #expect(readBack == pixels)
    }

    @Test func hdf5LibraryVersion() {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        #expect(H5get_libversion(&major, &minor, &release) >= 0)
        #expect(major == 1 && minor >= 10)
    }
}
