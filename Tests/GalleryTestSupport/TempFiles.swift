import Foundation
import Selection

/// A temporary folder of files with known, deterministic contents, removed by `remove()`.
public struct TempFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent(uniqueName("gallery-test"))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `size` pseudo-random bytes (seeded by the name) to `name` and returns them.
    @discardableResult
    public func write(_ name: String, size: Int) throws -> [UInt8] {
        var random = SplitMix64(name: name)
        let bytes = random.bytes(size)
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

/// A name no other test run on this machine uses at the same time: `prefix`, the process id and a random number.
public func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}
