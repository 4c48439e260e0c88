import Imaging
import Render

#if canImport(Glibc)
    import Glibc
#endif

/// cell-bench speed [RUNS [ONLY]]
///     Times the text encoders on one 30×10-cell slot of a photo-like test image: at each colour depth, the
///     half-block baseline (`--symbols half --dither none`) and the symbol encoder for every set, each the
///     median of RUNS encodes (default 100). Prints `SET DEPTH median-ms ratio-to-that-depth's-half-blocks`, one
///     line each (`half-blocks DEPTH …` for the baselines). With ONLY (for example `block 16`), only the
///     baselines and the encoders whose name contains it, for profiling.
/// cell-bench draw FILE.ppm COLUMNS ROWS SYMBOLS COLORS DITHER [ROW COLUMN]
///     Fits a binary PPM (P6) into COLUMNS×ROWS cells the way the gallery does (linear-light resampling into
///     the encoder's pixel box) and writes the encoder's bytes to standard output, drawn from cell ROW, COLUMN
///     (default the top-left one); prints `cells=W×H filled=W×H`, the cells it covers and the part of them the
///     image fills (the last column or row may be partly edge), on standard error. For the bench's text section
///     (bench/gallerybench/sections/text.py), which shows them in a real terminal next to chafa's.
let usage =
    "usage: cell-bench speed [RUNS [ONLY]] | cell-bench draw FILE.ppm COLUMNS ROWS SYMBOLS COLORS DITHER [ROW COLUMN]"

func fail(_ message: String) -> Never {
    let line = "cell-bench: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

/// Smooth gradients, a hard-edged disc and fine stripes: the kinds of content the fit has to choose between.
func testImage(_ size: PixelSize) -> Pixels {
    var image = Pixels(width: size.width, height: size.height, filledWith: RGB(0, 0, 0))
    for y in 0..<size.height {
        for x in 0..<size.width {
            let u = Double(x) / Double(size.width)
            let v = Double(y) / Double(size.height)
            let dx = u - 0.35
            let dy = v - 0.5
            if dx * dx + dy * dy < 0.06 {
                image[x, y] = RGB(230, UInt8(120 + 100 * v), 40)
            } else if u > 0.75, (x / 3) % 2 == 0 {
                image[x, y] = RGB(250, 250, 250)
            } else {
                image[x, y] = RGB(UInt8(40 + 150 * u), UInt8(60 + 120 * v), UInt8(200 - 150 * u * v))
            }
        }
    }
    return image
}

func medianMilliseconds(runs: Int, _ body: () -> Int) -> Double {
    let clock = ContinuousClock()
    var times: [Double] = []
    var sink = 0
    for _ in 0..<runs {
        let start = clock.now
        sink &+= body()
        let elapsed = clock.now - start
        times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    if sink == 42 { print("") }  // keeps the work observable
    return times.sorted()[times.count / 2]
}

func speed(runs: Int, only: String?) {
    let slot = CellSize(columns: 30, rows: 10)
    let origin = CellPosition(row: 0, column: 0)
    for colors in ColorMode.allCases {
        // The baseline at the same depth, timed just before the encoders it is compared with: at 256 and 16
        // colours the half-block encoder matches each colour to the palette as well.
        let half = HalfBlockEncoder(colorMode: colors)
        let halfPixels = testImage(half.pixelBox(for: slot))
        let baseline = medianMilliseconds(runs: runs) { half.encode(halfPixels, at: origin).count }
        print("half-blocks \(colors.rawValue) \(baseline) 1.0")
        for symbols in SymbolSet.allCases
        where only.map({ "\(symbols.rawValue) \(colors.rawValue)".contains($0) }) ?? true {
            let encoder = SymbolEncoder(
                symbols: symbols, quantizer: ColorQuantizer(mode: colors), dither: TextRendering.defaultDither)
            let pixels = testImage(encoder.pixelBox(for: slot))
            let median = medianMilliseconds(runs: runs) { encoder.encode(pixels, at: origin).count }
            print("\(symbols.rawValue) \(colors.rawValue) \(median) \(median / baseline)")
        }
    }
}

/// A binary PPM with maxval 255.
func readPPM(_ path: String) -> Pixels {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(file) }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        data += buffer[0..<count]
    }
    var fields: [Int] = []
    var i = 2
    while fields.count < 3, i < data.count {
        while i < data.count, data[i] == 0x20 || data[i] == 0x0a || data[i] == 0x0d || data[i] == 0x09 { i += 1 }
        var value = 0
        while i < data.count, (0x30...0x39).contains(data[i]) {
            value = value * 10 + Int(data[i] - 0x30)
            i += 1
        }
        fields.append(value)
    }
    i += 1
    guard data.starts(with: Array("P6".utf8)), fields.count == 3, fields[2] == 255,
        data.count >= i + fields[0] * fields[1] * 3
    else { fail("\(path) is not a binary PPM with maxval 255") }
    var bytes = [UInt8](repeating: 255, count: fields[0] * fields[1] * 4)
    for p in 0..<(fields[0] * fields[1]) {
        bytes[4 * p] = data[i + 3 * p]
        bytes[4 * p + 1] = data[i + 3 * p + 1]
        bytes[4 * p + 2] = data[i + 3 * p + 2]
    }
    return Pixels(width: fields[0], height: fields[1], bytes: bytes)
}

func draw(_ arguments: [String]) {
    guard arguments.count == 6 || arguments.count == 8, let columns = Int(arguments[1]), let rows = Int(arguments[2]),
        let symbols = SymbolSet(rawValue: arguments[3]), let colors = ColorMode(rawValue: arguments[4]),
        let dither = Dither(rawValue: arguments[5])
    else { fail(usage) }
    let encoder = TextRendering(symbols: symbols, dither: dither).encoder(colors: colors)
    let thumbnail = ThumbnailFit.resample(
        readPPM(arguments[0]), encoder.pixelBox(for: CellSize(columns: columns, rows: rows)))
    let origin =
        arguments.count == 8
        ? CellPosition(row: Int(arguments[6]) ?? 0, column: Int(arguments[7]) ?? 0) : .init(row: 0, column: 0)
    let bytes = encoder.encode(thumbnail, at: origin)
    let cells = encoder.footprint(of: PixelSize(width: thumbnail.width, height: thumbnail.height))
    let box = encoder.pixelBox(for: CellSize(columns: 1, rows: 1))
    let line =
        "cells=\(cells.columns)x\(cells.rows) "
        + "filled=\(Double(thumbnail.width) / Double(box.width))x\(Double(thumbnail.height) / Double(box.height))\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        guard count > 0 else { fail("write to standard output failed") }
        written += count
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "speed": speed(runs: arguments.count > 1 ? Int(arguments[1]) ?? 100 : 100, only: arguments.dropFirst(2).first)
case "draw": draw(Array(arguments.dropFirst()))
default: fail(usage)
}
