import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under the system's temporary folder, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String) throws {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("browse-\(label)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path + "/" + name).map { [UInt8]($0) }
    }
}

/// `count` bytes that differ from position to position, so a copy that shifts or drops a chunk shows.
func patterned(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9 &+ Int(seed)) }
}

/// A file opened for reading with `bytes` in it, for code that copies from a descriptor.
func descriptor(holding bytes: [UInt8], in directory: TemporaryDirectory, name: String) throws -> Int32 {
    try directory.write(name, bytes)
    return open(directory.path + "/" + name, O_RDONLY | O_CLOEXEC)
}
