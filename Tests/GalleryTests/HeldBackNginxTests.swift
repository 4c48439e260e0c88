import Foundation
import GalleryTestSupport
import Testing

/// Scheduling against Debian's nginx, whose `send_timeout` closes a connection a client stopped reading: what a
/// transfer held back by the schedule does there. In `SharedLinkTests`' suite, so it runs serialized with it.
extension SharedLinkTests {
    /// One request in nginx's access log (combined format): its path, status and body bytes sent.
    struct LoggedRequest: Equatable {
        var path: String
        var status: Int
        var bytes: Int
    }

    /// Parses `"GET /path HTTP/1.1" status bytes` out of every line of nginx's access log, in order.
    static func requests(in log: String) -> [LoggedRequest] {
        log.split(separator: "\n").compactMap { line in
            let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
            guard quoted.count > 2 else { return nil }
            let request = quoted[1].split(separator: " ")
            let after = quoted[2].split(separator: " ")
            guard request.count >= 2, after.count >= 2, let status = Int(after[0]), let bytes = Int(after[1])
            else { return nil }
            return LoggedRequest(path: String(request[1]), status: status, bytes: bytes)
        }
    }

    /// A transfer the `--max-rate` budget holds back after it started: the list says it is the smallest, so it
    /// starts first, and its headers then say it is the largest, so the four images behind it take the budget
    /// first and it trickles for about four seconds, twice nginx's `send_timeout`. It is never declared stalled
    /// (the stall timeout is shorter still), it finishes last, and the run exits 0. Where nginx gave up on its
    /// connection anyway (its trickle reads in buffers a few seconds apart, and nginx's socket buffer is too small
    /// to hide that), the access log shows the rest of the body fetched with a Range request (a 206).
    @Test func heldBackTransferOutlivesNginxsSendTimeout() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let heldBytes = 4_000_000
        let otherBytes = 1_000_000
        try folder.write(
            "held.jpg", bytes: SolidJPEG.make(red: 90, green: 30, blue: 160, width: 64, height: 48, size: heldBytes))
        let other = try SolidJPEG.make(red: 30, green: 160, blue: 90, width: 64, height: 48, size: otherBytes)
        for index in 0..<4 { try folder.write("\(index).jpg", bytes: other) }
        let nginx = try Nginx(root: folder.url, sendTimeout: .seconds(2), sendBuffer: 16 * 1024)
        defer { nginx.stop() }
        let list =
            (["100000 \(nginx.baseURL)/held.jpg"] + (0..<4).map { "\(otherBytes) \(nginx.baseURL)/\($0).jpg" })
            .joined(separator: "\n")
        let outcome = try run(
            gallery: ["--count", "5", "--max-rate", "1000000", "--stall-timeout", "1"], stdin: list,
            timeout: .seconds(120))
        let done = outcome.lines.filter { $0.text.hasPrefix("(") }
        #expect(outcome.status == 0, "stderr: \(outcome.errorText)")
        #expect(!outcome.errorText.contains("stalled"), "stderr: \(outcome.errorText)")
        #expect(done.count == 5, "stdout: \(outcome.texts)")
        // Four images at 1 MB/s went first: the held one waited about four seconds.
        #expect(done.last?.text.contains("held.jpg") == true, "completions: \(done.map { ($0.at, $0.text) })")
        let held = Self.requests(in: nginx.accessLog()).filter { $0.path == "/held.jpg" }
        #expect(held.first?.status == 200, "requests: \(held)")
        #expect(held.dropFirst().allSatisfy { $0.status == 206 }, "requests: \(held)")
        // Closed before the end or not, every byte arrived: what the requests sent adds up to the whole body.
        #expect(held.reduce(0) { $0 + $1.bytes } >= heldBytes, "requests: \(held)")
        if let first = held.first, first.bytes < heldBytes {
            #expect(held.count >= 2, "nginx closed the first request and nothing resumed it: \(held)")
        }
    }
}
