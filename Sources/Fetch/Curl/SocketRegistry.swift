import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// Every socket curl holds open for one multi handle, so the loop can ask how many bytes have arrived that no
/// transfer has read yet: a paused transfer's flow keeps arriving until its receive buffer is full.
///
/// curl opens and closes its sockets through our callbacks (CURLOPT_OPENSOCKETFUNCTION and
/// CURLOPT_CLOSESOCKETFUNCTION) rather than being asked for a transfer's socket: CURLINFO_ACTIVESOCKET only answers
/// once a transfer is over or for CONNECT_ONLY, and a socket number remembered past its close could name a file.
///
/// Confined to the fetch loop thread, like the multi handle that owns it: curl calls back only from inside the
/// loop's own calls, `curl_multi_cleanup` included, and the multi handle keeps the registry alive until then.
/// - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_OPENSOCKETFUNCTION.html>,
///   <https://curl.se/libcurl/c/CURLOPT_CLOSESOCKETFUNCTION.html>
final class SocketRegistry {
    private(set) var open: Set<curl_socket_t> = []

    /// Bytes waiting in the receive buffers of every open socket (FIONREAD): they arrived, but curl has not read
    /// them, which it does not while their transfer is paused.
    func unreadBytes() -> Int64 {
        open.reduce(0) { $0 + Int64(gallery_socket_unread($1)) }
    }

    /// Has curl open and close this handle's sockets through the registry.
    func adopt(_ handle: EasyHandle) -> [(String, CURLcode)] {
        let context = Unmanaged.passUnretained(self).toOpaque()
        return [
            ("CURLOPT_OPENSOCKETFUNCTION", gallery_easy_setopt_opensocket_callback(handle.raw, openSocketCallback)),
            ("CURLOPT_OPENSOCKETDATA", handle.set(CURLOPT_OPENSOCKETDATA, pointer: context)),
            ("CURLOPT_CLOSESOCKETFUNCTION", gallery_easy_setopt_closesocket_callback(handle.raw, closeSocketCallback)),
            ("CURLOPT_CLOSESOCKETDATA", handle.set(CURLOPT_CLOSESOCKETDATA, pointer: context)),
        ]
    }

    fileprivate func opened(_ socket: curl_socket_t) { open.insert(socket) }
    fileprivate func closed(_ socket: curl_socket_t) { open.remove(socket) }
}

/// Makes the socket curl asks for, close-on-exec (a child process must not hold a download's connection open), and
/// registers it.
private let openSocketCallback: curl_opensocket_callback = { context, _, address in
    guard let context, let address else { return CURL_SOCKET_BAD }
    let kind = address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue)
    let socket = Glibc.socket(address.pointee.family, kind, address.pointee.protocol)
    guard socket >= 0 else { return CURL_SOCKET_BAD }
    Unmanaged<SocketRegistry>.fromOpaque(context).takeUnretainedValue().opened(socket)
    return socket
}

/// Forgets the socket before closing it, so its number is never asked about once the system may reuse it.
private let closeSocketCallback: curl_closesocket_callback = { context, socket in
    if let context { Unmanaged<SocketRegistry>.fromOpaque(context).takeUnretainedValue().closed(socket) }
    return Glibc.close(socket)
}
