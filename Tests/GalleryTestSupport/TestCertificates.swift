import Foundation

/// A throwaway certificate authority and a server certificate for 127.0.0.1 it signed, made with the `openssl`
/// command at test time (nothing secret is committed). `remove()` deletes them.
public struct TestCertificates: Sendable {
    public let folder: URL
    /// The CA's certificate: what a client passes as `--cacert`.
    public var caCertificate: String { folder.appendingPathComponent("ca.pem").path }
    public var serverCertificate: String { folder.appendingPathComponent("server.pem").path }
    public var serverKey: String { folder.appendingPathComponent("server.key").path }

    public init() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent(uniqueName("gallery-certs"))
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + ec + [
                "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=gallery test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            ["req"] + ec + ["-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"],
            [
                "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"),
            ],
        ]
        for step in steps {
            let status = try Nginx.run([Self.openssl] + step, quiet: true)
            guard status == 0 else { throw SupportError("openssl \(step[0]) failed with status \(status)") }
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    static var openssl: String {
        installedProgram("openssl") ?? "/usr/bin/openssl"
    }
}
