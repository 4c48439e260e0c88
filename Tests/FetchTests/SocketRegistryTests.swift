import CCurl
import GalleryTestSupport
import Testing

@testable import Fetch

extension FetchEngine {
    /// The sockets curl opens through `SocketRegistry`, against a real server: a paused transfer's bytes pile up
    /// unread in its receive buffer, where the registry sees them, and closing the multi handle closes every socket
    /// through it.
    @Suite struct SocketRegistryTests {
        /// Refuses every chunk by pausing, so curl stops reading the socket.
        static let pausing: curl_write_callback = { _, _, _, _ in Int(gallery_writefunc_pause) }

        @Test(arguments: [Duration.seconds(10)])
        func pausedTransferBytesWaitUnreadInTheRegisteredSocket(deadline: Duration) throws {
            #expect(CurlRuntime.ensureInitialised() == nil)
            let server = try FaultServer(body: imageLikeBody(4_000_000))
            defer { server.stop() }
            let multi = try #require(MultiHandle())
            let easy = try #require(EasyHandle())
            let refused = multi.sockets.adopt(easy).filter { $0.1 != CURLE_OK }.map(\.0)
            #expect(refused.isEmpty, "curl refused \(refused)")
            #expect(easy.set(CURLOPT_URL, "\(server.baseURL)/ok") == CURLE_OK)
            #expect(gallery_easy_setopt_write_callback(easy.raw, CURLOPT_WRITEFUNCTION, Self.pausing) == CURLE_OK)
            #expect(multi.add(easy) == nil)
            let start = ContinuousClock.now
            var unread: Int64 = 0
            while unread < 64 * 1024 && ContinuousClock.now - start < deadline {
                _ = multi.perform()
                multi.poll(milliseconds: 10)
                unread = multi.sockets.unreadBytes()
            }
            #expect(multi.sockets.open.count == 1)
            #expect(unread >= 64 * 1024, "\(unread) bytes unread")
            #expect(multi.nextFinished() == nil, "a paused transfer does not finish")
            #expect(multi.remove(easy))
            multi.close()
            #expect(multi.sockets.open.isEmpty, "sockets left open: \(multi.sockets.open)")
        }
    }
}
