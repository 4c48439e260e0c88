import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Counts this process's sockets connected to given loopback ports.
///
/// A leak check that counts every descriptor of the process is at the mercy of the other suites, which Swift
/// Testing runs in parallel in the same process; sockets to a test's own servers belong to that test alone.
/// Each descriptor is asked for its peer with getpeername(2) (/proc/net/tcp is not complete in every sandbox).
public enum OpenSockets {
    public static func count(toPorts ports: Set<Int>) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.filter { fd in
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let ok = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
            }
            guard ok else { return false }
            switch Int32(address.ss_family) {
            case AF_INET:
                let port = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
                }
                return ports.contains(Int(port))
            case AF_INET6:
                let port = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
                }
                return ports.contains(Int(port))
            default:
                return false
            }
        }.count
    }
}
