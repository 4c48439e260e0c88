import Foundation
import GalleryTestSupport
import Testing

/// The built `gallery` on a shared link (the fault server's one token bucket) and against nginx's per-connection
/// pacing: how the completions are spread over the run. Orderings with wide margins only; the speed targets are in
/// the bench's sched section (bench/gallerybench/sections/sched*.py).
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

    /// The shared link's URLs, one per image, with their sizes.
    static func sharedList(_ server: FaultServer) -> String {
        (0..<images).map { "\(imageBytes) \(server.baseURL)/shared/\($0).jpg" }.joined(separator: "\n")
    }

    /// `--schedule even` splits the link five ways: all five images complete in the last part of the run.
    @Test func evenScheduleCompletesTogether() throws {
        let server = try FaultServer(body: Self.paddedJPEG(), sharedLink: SharedLink(bytesPerSecond: 2_500_000))
        defer { server.stop() }
        let times = try Self.completions(["--schedule", "even"], list: Self.sharedList(server))
        guard let first = times.first, let last = times.last else { return }
        #expect(first > 0.6 * last, "completions \(times)")
    }

    /// The default schedule on the same kind of link finds that it is shared and gives it to the image closest to
    /// done: the images complete one after another. Six images of 3 MB at 3 MB/s: sharing evenly, the first would
    /// end after about nine tenths of the run; one after another, after a sixth plus the time the probe takes.
    @Test func defaultScheduleCompletesOneAfterAnother() throws {
        let count = 6
        let bytes = 3_000_000
        let jpeg = try SolidJPEG.make(red: 200, green: 120, blue: 40, width: 64, height: 48, size: bytes)
        let server = try FaultServer(body: jpeg, sharedLink: SharedLink(bytesPerSecond: 3_000_000))
        defer { server.stop() }
        let list = (0..<count).map { "\(bytes) \(server.baseURL)/shared/\($0).jpg" }.joined(separator: "\n")
        let outcome = try run(gallery: ["--count", "\(count)", "--verbose"], stdin: list, timeout: .seconds(120))
        let times = outcome.lines.filter { $0.text.hasPrefix("(") }.map(\.at)
        #expect(outcome.status == 0, "stderr: \(outcome.errorText)")
        guard times.count == count, let first = times.first, let last = times.last else {
            Issue.record("\(times.count) of \(count) images: \(outcome.texts)")
            return
        }
        #expect(first < 0.5 * last, "completions \(times); \(outcome.errorText)")
        // Spread out, not one burst: the second well before the end too (two at a time, if the probe settles on
        // two, still puts it at about half).
        #expect(times[1] < 0.75 * last, "completions in a burst: \(times); \(outcome.errorText)")
        #expect(outcome.errorText.contains("link-bound"), "stderr: \(outcome.errorText)")
    }

    /// `--max-rate` is a budget handed out shortest first: the same one-after-another shape on a fast server.
    @Test func maxRateBudgetCompletesOneAfterAnother() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let jpeg = try Self.paddedJPEG()
        for index in 0..<Self.images { try folder.write("\(index).jpg", bytes: jpeg) }
        let nginx = try Nginx(root: folder.url)
        defer { nginx.stop() }
        let list = (0..<Self.images).map { "\(Self.imageBytes) \(nginx.baseURL)/\($0).jpg" }.joined(separator: "\n")
        let times = try Self.completions(["--max-rate", "2500000"], list: list)
        guard times.count == Self.images, let first = times.first, let last = times.last else { return }
        #expect(first < 0.5 * last, "completions \(times)")
        #expect(times[Self.images / 2] < 0.85 * last, "completions in a burst: \(times)")
    }

    /// Downloads held back by the `--max-rate` budget wait longer than the server's send timeout: they are never
    /// declared stalled (the stall timeout is shorter than their wait too), and every image arrives, resumed with a
    /// Range request where the server closed the connection anyway.
    @Test func heldBackDownloadsOutliveTheServersSendTimeout() throws {
        let link = SharedLink(bytesPerSecond: 20_000_000, sendTimeout: .seconds(1))
        let server = try FaultServer(body: Self.paddedJPEG(), sharedLink: link)
        defer { server.stop() }
        let times = try Self.completions(
            ["--stall-timeout", "1", "--max-rate", "2500000"], list: Self.sharedList(server))
        guard let first = times.first, let last = times.last else { return }
        #expect(last > 2.5 * first, "the downloads were not held back: \(times)")
        for index in 0..<Self.images where server.sendTimeouts("/shared/\(index).jpg") > 0 {
            #expect(server.headers("/shared/\(index).jpg").last?["range"] != nil)
        }
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
        // The default User-Agent names gallery and libcurl with their versions, and nothing else.
        let agents = nginx.accessLog().split(separator: "\n").compactMap { $0.split(separator: "\"").last }
        #expect(!agents.isEmpty && agents.allSatisfy { $0.hasPrefix("gallery/0.1.0 libcurl/") && !$0.contains("(") })
    }
}
