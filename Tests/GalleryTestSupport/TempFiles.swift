import Foundation

/// A temporary folder of files with known, deterministic contents, removed by `remove()`.
public struct TempFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gallery-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `size` pseudo-random bytes (seeded by the name) to `name` and returns them.
    @discardableResult
    public func write(_ name: String, size: Int) throws -> [UInt8] {
        var state = UInt64(truncatingIfNeeded: name.hashValue & 0x7fff_ffff) &+ 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<size {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[i] = UInt8(truncatingIfNeeded: state)
        }
        try Data(bytes).write(to: url.appendingPathComponent(name))
        return bytes
    }

    /// Copies `bytes` to `name`.
    public func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
