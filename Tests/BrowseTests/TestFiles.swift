import Foundation
import GalleryTestSupport
import Selection

#if canImport(Glibc)
    import Glibc
#endif

extension TempFolder {
    var path: String { url.path }

    /// The names in the folder, hidden ones included.
    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }

    func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path + "/" + name).map { [UInt8]($0) }
    }

    /// A descriptor open for reading on a new file `name` holding `bytes`, for code that copies from one.
    func descriptor(holding bytes: [UInt8], name: String) throws -> Int32 {
        try write(name, bytes: bytes)
        return open(path + "/" + name, O_RDONLY | O_CLOEXEC)
    }
}

/// `count` bytes seeded by `seed`, different from position to position, so a copy that shifts or drops a chunk shows.
func patterned(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    var generator = SplitMix64(seed: UInt64(seed) + 1)
    return generator.bytes(count)
}
