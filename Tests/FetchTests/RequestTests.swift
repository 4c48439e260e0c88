import Testing

@testable import Fetch

/// The host keys the scheduler counts per-host limits by, read from the URL as written.
struct RequestTests {
    @Test(arguments: [
        ("http://127.0.0.1:8081/a.jpg", "127.0.0.1:8081", "127.0.0.1", false),
        ("HTTPS://Upload.Wikimedia.org/wikipedia/commons/a.jpg", "upload.wikimedia.org", "upload.wikimedia.org", true),
        ("https://user:pw@Example.COM:8443/x?y#z", "example.com:8443", "example.com", true),
        ("https://a@b@host/x", "host", "host", true),
        ("http://host?q=1", "host", "host", false),
        ("http://[::1]:8080/a", "[::1]:8080", "::1", false),
        ("https://bücher.example/a", "bücher.example", "bücher.example", true),
        ("httpsx://host/a", "host", "host", false),
        ("no-scheme", "", "", false),
    ])
    func hostKeyIsHostAndPortLowerCased(url: String, key: String, name: String, https: Bool) {
        let request = Request(url: url)
        #expect(request.hostKey == key)
        #expect(request.hostName == name)
        #expect(request.isHTTPS == https)
    }
}
