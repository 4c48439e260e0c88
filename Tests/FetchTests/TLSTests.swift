import Fetch
import GalleryTestSupport
import Testing

extension FetchEngine {
    /// HTTPS with verification on, against nginx with a certificate from a CA made for the test.
    @Suite struct TLSTests {
        /// Ten files over one HTTP/2 connection: PIPEWAIT makes the later transfers wait for the first connection
        /// and multiplex on it.
        @Test func http2MultiplexesOverOneVerifiedConnection() async throws {
            let certificates = try TestCertificates()
            defer { certificates.remove() }
            let folder = try TempFolder()
            defer { folder.remove() }
            var originals: [String: [UInt8]] = [:]
            for i in 0..<10 { originals["t\(i).bin"] = try folder.write("t\(i).bin", size: 100_000 + i) }
            let nginx = try Nginx(root: folder.url, tls: certificates)
            defer { nginx.stop() }
            var configuration = FetchConfiguration()
            configuration.caCertificates = certificates.caCertificate
            let fetcher = try Fetcher(configuration: configuration)
            let results = try await withThrowingTaskGroup(of: (String, Response, [UInt8]).self) { group in
                for name in originals.keys {
                    group.addTask {
                        let (response, body) = try await fetcher.data(Request(url: "\(nginx.baseURL)/\(name)"))
                        return (name, response, body)
                    }
                }
                return try await group.reduce(into: [(String, Response, [UInt8])]()) { $0.append($1) }
            }
            await fetcher.shutdown()
            #expect(Dictionary(uniqueKeysWithValues: results.map { ($0.0, $0.2) }) == originals)
            #expect(results.allSatisfy { $0.1.httpVersion == "2" })
            #expect(results.map(\.1.newConnections).reduce(0, +) == 1)
            // nginx agrees: every request on one connection serial, over HTTP/2.
            let lines = await nginx.accessLogLines(atLeast: 10)
            #expect(lines.count == 10)
            #expect(Set(lines.map { $0.split(separator: " ")[0] }).count == 1)
            #expect(lines.allSatisfy { $0.contains("HTTP/2.0 200") })
        }

        @Test func untrustedCertificateIsRefused() async throws {
            let certificates = try TestCertificates()
            defer { certificates.remove() }
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("u.bin", size: 1_000)
            let nginx = try Nginx(root: folder.url, tls: certificates)
            defer { nginx.stop() }
            // No --cacert: the system store does not know our CA. Not transient, so not retried.
            let fetcher = try Fetcher(configuration: .fast())
            let url = "\(nginx.baseURL)/u.bin"
            let error = await #expect(throws: FetchError.self) { try await fetcher.data(Request(url: url)) }
            await fetcher.shutdown()
            #expect(error?.description == "\(url): TLS certificate not trusted")
        }
    }
}
