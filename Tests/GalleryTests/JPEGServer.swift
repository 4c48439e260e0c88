import Foundation
import GalleryTestSupport

/// nginx on loopback serving a small real JPEG under each of `names`, plus slower locations when asked.
///
/// The e2e tests need only a few images that decode; what they vary is names, pace and which ones are missing.
struct JPEGServer {
    let folder: TempFolder
    let nginx: Nginx
    /// The fixture every name serves.
    let jpeg: [UInt8]

    /// - Parameter slowPrefixes: `"/slow/"` → that prefix serves the same files at `bytesPerSecond`.
    init(names: [String], slow: [Nginx.Location] = []) throws {
        folder = try TempFolder()
        jpeg = try Fixtures.bytes("jpeg/good/baseline-420.jpg")
        for name in names { try folder.write(name, bytes: jpeg) }
        nginx = try Nginx(root: folder.url, locations: slow)
    }

    /// `http://127.0.0.1:PORT/<path>`
    func url(_ path: String) -> String { "\(nginx.baseURL)/\(path)" }

    func stop() {
        nginx.stop()
        folder.remove()
    }
}
