import Foundation
import GalleryTestSupport
import Testing

/// The built binary against our fault-injecting server: retries, resumes and restarts end in the right image.
@Suite(.serialized)
struct HostileServerTests {
    /// A connection cut mid-body: resumed with Range where the server allows it, started over (with a fresh
    /// decoder) where it does not. Either way the image is shown whole, with the right size.
    @Test(arguments: ["/reset", "/reset-norange", "/reset-changed", "/503-twice"])
    func cutOrRefusedDownloadsStillEndInTheImage(_ path: String) throws {
        let jpeg = try Fixtures.bytes("jpeg/good/baseline-420.jpg")
        let server = try FaultServer(body: jpeg)
        defer { server.stop() }
        let child = try run(
            gallery: ["--count", "1", "--stall-timeout", "2", "--verbose"],
            stdin: "\(server.baseURL)\(path)\n")
        #expect(child.status == 0, "stderr: \(child.errorText)")
        #expect(child.lines.map(\.text).last == "TOTAL BYTES: \(grouped(jpeg.count))")
        #expect(server.requests(path) >= 2)
        if path == "/503-twice" { #expect(child.errorText.contains("after 2 retries"), "\(child.errorText)") }
    }
}
