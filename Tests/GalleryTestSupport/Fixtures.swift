import Foundation

/// Finds files under the package's `Fixtures/` folder through `#filePath`, so large fixtures are read in place
/// instead of being copied into the test bundle as resources.
public enum Fixtures {
    /// The package root: two levels above `Tests/GalleryTestSupport/`.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    public static let root: URL = packageRoot.appendingPathComponent("Fixtures")

    /// The URL of `Fixtures/<relativePath>`.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The bytes of `Fixtures/<relativePath>`.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// The names of the files in `Fixtures/<folder>`, sorted.
    public static func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url(folder).path)
            .filter { !$0.hasPrefix(".") }
            .sorted()
    }
}
