import Foundation
import GalleryTestSupport
import Testing

/// The built `gallery` on a shared link (the fault server's one token bucket) and against nginx's per-connection
/// pacing: how the completions are spread over the run. Orderings with wide margins only; the speed targets are in
/// bench/sched_bench.py.
@Suite(.serialized)
struct SharedLinkTests {
    static let imageBytes = 2_000_000
    static let images = 5

    /// A flat JPEG padded to `imageBytes`: 25 times the fault server's send buffer and several times a loopback
    /// receive buffer, so kernel buffering cannot hide who receives.
    static func paddedJPEG() throws -> [UInt8] {
        try SolidJPEG.make(red: 40, green: 120, blue: 200, width: 64, height: 48, size: imageBytes)
    }

    /// Seconds from the start to each image's report line, in completion order.
    static func completions(_ arguments: [String], list: String) throws -> [Double] {
        let outcome = try run(gallery: ["--count", "\(images)"] + arguments, stdin: list, timeout: .seconds(120))
        let times = outcome.lines.filter { $0.text.hasPrefix("(") }.map(\.at)
        #expect(outcome.status == 0, "stderr: \(outcome.errorText)")
        #expect(times.count == images, "stdout: \(outcome.texts)")
        return times
    }

    /// Even sharing splits the link five ways: all five images complete in the last part of the run.
    @Test func evenSharingCompletesTogether() throws {
        let server = try FaultServer(body: Self.paddedJPEG(), sharedLink: SharedLink(bytesPerSecond: 5_000_000))
        defer { server.stop() }
        let list = (0..<Self.images).map { "\(Self.imageBytes) \(server.baseURL)/shared/\($0).jpg" }
            .joined(separator: "\n")
        let times = try Self.completions([], list: list)
        guard let first = times.first, let last = times.last else { return }
        #expect(first > 0.6 * last, "completions \(times)")
    }

    /// nginx paces each connection on its own: five downloads at once take about the time of one.
    @Test func perConnectionLimitsStillRunAllAtOnce() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let jpeg = try Self.paddedJPEG()
        for index in 0..<Self.images { try folder.write("\(index).jpg", bytes: jpeg) }
        let nginx = try Nginx(root: folder.url, bytesPerSecond: 1_000_000)
        defer { nginx.stop() }
        let one = try run(gallery: ["--count", "1"], stdin: "\(Self.imageBytes) \(nginx.baseURL)/0.jpg")
        #expect(one.status == 0, "stderr: \(one.errorText)")
        let list = (0..<Self.images).map { "\(Self.imageBytes) \(nginx.baseURL)/\($0).jpg" }.joined(separator: "\n")
        let times = try Self.completions([], list: list)
        guard let last = times.last, let alone = one.lines.first?.at else { return }
        #expect(last < 1.3 * alone, "five at once: \(times); one alone: \(alone) s")
    }
}
