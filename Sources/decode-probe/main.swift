import Decode
import Imaging
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// decode-probe FILE CHUNK [--box WxH]
///     Decodes FILE (any supported format) read and fed in CHUNK-byte pieces, then prints one line:
///     `rss-increase-kib=N ru-maxrss-increase-kib=M thumbnail=WxH image=WxH`. N is the rise of this address
///     space's peak RSS (VmHWM in /proc/self/status, reset to the current RSS just before the decode) over
///     the RSS just before it; M is the same rise measured with getrusage's ru_maxrss, which agrees when run
///     from a shell but reads 0 under a large parent (exec inherits the parent's peak). The file is read
///     CHUNK bytes at a time, never whole, so N is the decoder's own footprint. DecodeTests runs this in a
///     child process.
/// decode-probe --time FILE [--chunk N] [--runs N] [--box WxH]
///     Decodes FILE (read into memory first, fed in 64 KiB pieces by default) N times (default 3) and prints
///     the best time in seconds, e.g. `0.1086`: the decode alone (from the first feed to the thumbnail), to
///     set beside `djpeg -scale 1/8 -outfile /dev/null FILE`. For make bench:
///     `swift build -c release --product decode-probe && .build/release/decode-probe --time FILE`.
/// The box defaults to 160×100, a large gallery slot in half-block pixels. Exits 1 with the DecodeError's
/// description on stderr if the image fails, 2 on bad usage.
let usage = "usage: decode-probe FILE CHUNK [--box WxH] | decode-probe --time FILE [--chunk N] [--runs N] [--box WxH]"

func fail(_ message: String, status: Int32 = 1) -> Never {
    let line = "decode-probe: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(status)
}

/// getrusage's ru_maxrss, in KiB. Beware: exec keeps the larger of the old and new image's peaks, so in a
/// process spawned (vfork + exec) by a big test runner it starts at the runner's peak and may never move.
func maxRSSKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

/// A `Vm…:` line of /proc/self/status, in KiB: VmHWM is this address space's own peak RSS, VmRSS the
/// current RSS.
func status(_ key: String) -> Int? {
    let fd = open("/proc/self/status", O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 8192)
    let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return nil }
    for line in String(decoding: bytes[..<count], as: UTF8.self).split(separator: "\n") where line.hasPrefix(key + ":")
    {
        return Int(line.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0: "5" to /proc/self/clear_refs). Returns whether it did.
func resetPeak() -> Bool {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return write(fd, "5", 1) == 1
}

func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func parseBox(_ text: String) -> PixelSize? {
    let parts = text.split(separator: "x")
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w >= 0, h >= 0 else { return nil }
    return PixelSize(width: w, height: h)
}

struct Options {
    var time = false
    var file = ""
    var chunk = 65536
    var runs = 3
    var box = PixelSize(width: 160, height: 100)
}

func parse(_ arguments: [String]) -> Options? {
    var options = Options()
    var positional: [String] = []
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--time": options.time = true
        case "--chunk":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { return nil }
            options.chunk = value
        case "--runs":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { return nil }
            options.runs = value
        case "--box":
            guard let value = rest.popFirst().flatMap(parseBox) else { return nil }
            options.box = value
        default:
            if argument.hasPrefix("-") { return nil }
            positional.append(argument)
        }
    }
    if options.time {
        guard positional.count == 1 else { return nil }
        options.file = positional[0]
    } else {
        guard positional.count == 2, let chunk = Int(positional[1]), chunk > 0 else { return nil }
        options.file = positional[0]
        options.chunk = chunk
    }
    return options
}

/// Reads the file in `chunk`-byte pieces into one reused buffer, feeding each piece as it is read.
func decodeStreaming(_ path: String, chunk: Int, box: PixelSize, buffer: UnsafeMutableRawBufferPointer)
    async throws(DecodeError) -> Thumbnail
{
    let fd = open(path, O_RDONLY)
    if fd < 0 { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var info = stat()
    let size = fstat(fd, &info) == 0 ? Int(info.st_size) : nil
    let decoder = makeImageDecoder(fitting: box, expectedBytes: size)
    while true {
        let count = retryingOnInterrupt { read(fd, buffer.baseAddress, chunk) }
        if count < 0 { fail("cannot read \(path): \(String(cString: strerror(errno)))") }
        if count == 0 { break }
        try await decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
    return try decoder.finish()
}

/// The whole file, read straight into one buffer of its size (the caller deallocates it).
func readWhole(_ path: String) -> UnsafeMutableRawBufferPointer {
    let fd = open(path, O_RDONLY)
    if fd < 0 { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { fail("cannot stat \(path)") }
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, Int(info.st_size)), alignment: 16)
    var filled = 0
    while filled < Int(info.st_size) {
        let count = retryingOnInterrupt { read(fd, bytes.baseAddress.map { $0 + filled }, Int(info.st_size) - filled) }
        if count <= 0 { fail("cannot read \(path)") }
        filled += count
    }
    return UnsafeMutableRawBufferPointer(rebasing: bytes[..<filled])
}

/// `seconds` with 4 decimals, e.g. "0.4123".
func fixed(_ seconds: Double) -> String {
    let tenThousandths = Int((seconds * 10_000).rounded())
    let fraction = String(tenThousandths % 10_000)
    return "\(tenThousandths / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
}

func describe(_ size: PixelSize) -> String { "\(size.width)x\(size.height)" }

guard let options = parse(Array(CommandLine.arguments.dropFirst())) else { fail(usage, status: 2) }

if options.time {
    // Read before timing; fed from one stable buffer, as the fetcher's chunks are.
    let bytes = readWhole(options.file)
    defer { bytes.deallocate() }
    var best = Double.infinity
    for _ in 0..<options.runs {
        let start = seconds()
        let decoder = makeImageDecoder(fitting: options.box, expectedBytes: bytes.count)
        do throws(DecodeError) {
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + options.chunk, bytes.count)
                try await decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
            }
            _ = try decoder.finish()
        } catch {
            fail("\(options.file): \(error)")
        }
        best = min(best, seconds() - start)
    }
    print(fixed(best))
} else {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: options.chunk, alignment: 16)
    defer { buffer.deallocate() }
    buffer.initializeMemory(as: UInt8.self, repeating: 0)  // touched now, so it is not counted below
    await Task.yield()  // the concurrency runtime's first allocations, also before the measurement
    // The baseline is the peak so far, or — when the peak can be reset — the current RSS (stricter).
    let reset = resetPeak()
    let before = (reset ? status("VmRSS") : status("VmHWM")) ?? 0
    let maxBefore = maxRSSKiB()
    let thumbnail: Thumbnail
    do {
        thumbnail = try await decodeStreaming(options.file, chunk: options.chunk, box: options.box, buffer: buffer)
    } catch {
        fail("\(options.file): \(error)")
    }
    let after = status("VmHWM") ?? 0
    let maxAfter = maxRSSKiB()
    print(
        "rss-increase-kib=\(after - before) ru-maxrss-increase-kib=\(maxAfter - maxBefore) thumbnail=\(describe(PixelSize(width: thumbnail.pixels.width, height: thumbnail.pixels.height))) image=\(describe(thumbnail.imageSize))"
    )
}
