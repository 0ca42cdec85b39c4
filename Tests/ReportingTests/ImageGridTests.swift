import Reporting
import TensorCore
import Testing

@Suite struct ImageGridTests {
    /// Two 2×2 RGB images in one row: each image pixel is a zoom × zoom block at its place,
    /// [−1, 1] maps to 0…255 (clipped outside), and the gaps keep the background.
    @Test func imagesLandAtTheirPlacesWithTheirColours() throws {
        // Image 0: red channel 1 (255), others −1 (0); image 1: all channels 0 (128) but pixel (1, 1) = 2 (clipped to 255).
        var scalars = [Float](repeating: -1, count: 2 * 3 * 4)
        for i in 0..<4 { scalars[i] = 1 }
        for i in 12..<24 { scalars[i] = 0 }
        for channel in 0..<3 { scalars[12 + channel * 4 + 3] = 2 }
        let canvas = try Canvas.imageGrid(Tensor(shape: [2, 3, 2, 2], scalars: scalars), columns: 2, zoom: 3, gap: 1,
                                          background: .white)
        #expect(canvas.width == 2 * (2 * 3 + 1) + 1 && canvas.height == 2 * 3 + 2)
        #expect(canvas[0, 0] == .white && canvas[7, 3] == .white)  // border and the gap between the images
        #expect(canvas[1, 1] == Color(red: 255, green: 0, blue: 0) && canvas[6, 6] == Color(red: 255, green: 0, blue: 0))
        #expect(canvas[8, 1] == Color(red: 128, green: 128, blue: 128))
        #expect(canvas[8 + 3, 1 + 3] == Color(red: 255, green: 255, blue: 255))
    }

    @Test func greyImagesAndBadShapes() throws {
        let grey = try Canvas.imageGrid(Tensor(shape: [1, 1, 1, 1], scalars: [-1]), columns: 4, zoom: 1, gap: 0)
        #expect(grey.width == 1 && grey[0, 0] == Color(red: 0, green: 0, blue: 0))
        #expect(throws: ReportingError.self) { try Canvas.imageGrid(Tensor.zeros([2, 2, 4, 4]), columns: 2) }
        #expect(throws: ReportingError.self) { try Canvas.imageGrid(Tensor.zeros([2, 3, 4, 4]), columns: 0) }
    }
}
