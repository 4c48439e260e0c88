import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// The one `CURLM*` of a fetch engine: adds and removes easy handles, drives them, and reports the finished ones.
///
/// Owned by the fetch loop thread; only `waker`, made once before the loop starts, crosses to other threads. Every
/// call's result is checked here or handed to the caller as a `MultiError`, and each method says what the loop
/// does about a failure.
/// - SeeAlso: <https://curl.se/libcurl/c/libcurl-multi.html>
final class MultiHandle {
    private var raw: UnsafeMutableRawPointer?
    private var confinement = LoopConfinement()
    /// The sockets of this handle's connections. Kept here because `curl_multi_cleanup` closes the last of them
    /// through the registry: it must outlive that call.
    let sockets = SocketRegistry()

    /// A failed `curl_multi_*` call, named for messages: "curl_multi_perform: out of memory".
    struct MultiError: Error, CustomStringConvertible {
        let call: String
        let code: CURLMcode
        var description: String { "\(call): \(String(cString: curl_multi_strerror(code)))" }
    }

    /// A finished transfer as `curl_multi_info_read` reports it.
    struct Finished {
        let easy: UnsafeMutableRawPointer
        let result: CURLcode

        /// What the loop stored in CURLOPT_PRIVATE (its transfer id), or nil when curl cannot read it back; the
        /// loop then finds the transfer by its handle instead.
        var privateValue: UInt? {
            var value: UnsafeMutableRawPointer?
            guard gallery_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &value) == CURLE_OK else { return nil }
            return UInt(bitPattern: value)
        }
    }

    /// Nil when `curl_multi_init` fails (out of memory): the `Fetcher` then cannot be made.
    init?() {
        guard let raw = curl_multi_init() else { return nil }
        self.raw = raw
    }

    deinit { close() }

    /// The loop thread takes ownership: from now on only it may call in (checked in debug builds).
    func bindToLoopThread() { confinement.bind() }

    /// The one thread-safe call, for the inbox. It is only valid until `close()`: the inbox stops waking before
    /// the loop closes the handle.
    var waker: Waker? { raw.map { Waker(raw: $0) } }

    /// Wakes a `poll` in progress from any thread.
    /// - SeeAlso: <https://curl.se/libcurl/c/curl_multi_wakeup.html>
    struct Waker: @unchecked Sendable {
        // Justification: used only for curl_multi_wakeup, which curl documents as thread-safe.
        fileprivate let raw: UnsafeMutableRawPointer

        /// Fails only for a bad handle; the loop then still polls again within its longest poll timeout, so a
        /// failed wakeup delays a command, never loses it.
        func wake() { _ = curl_multi_wakeup(raw) }
    }

    /// Adds a configured easy handle. On failure the caller fails that one transfer with the returned error;
    /// the handle is not in the multi handle and may be reused.
    func add(_ easy: EasyHandle) -> MultiError? {
        confinement.assertOnLoopThread()
        guard let raw else { return MultiError(call: "curl_multi_add_handle", code: CURLM_BAD_HANDLE) }
        let code = curl_multi_add_handle(raw, easy.raw)
        return code == CURLM_OK ? nil : MultiError(call: "curl_multi_add_handle", code: code)
    }

    /// Removes an easy handle. Returns false when curl refused: the handle's state is then unknown, so the
    /// caller must not reuse it (it is freed instead, which detaches it from the multi handle too).
    /// - SeeAlso: <https://curl.se/libcurl/c/curl_multi_remove_handle.html>
    func remove(_ easy: EasyHandle) -> Bool {
        confinement.assertOnLoopThread()
        guard let raw else { return false }
        return curl_multi_remove_handle(raw, easy.raw) == CURLM_OK
    }

    /// Lets curl read and write whatever its sockets allow. A failure (out of memory, a broken multi handle)
    /// concerns the whole stack, not one transfer: the loop fails the transfers in flight with it.
    /// - SeeAlso: <https://curl.se/libcurl/c/curl_multi_perform.html>
    func perform() -> MultiError? {
        confinement.assertOnLoopThread()
        guard let raw else { return nil }
        var running: Int32 = 0
        let code = curl_multi_perform(raw, &running)
        return code == CURLM_OK ? nil : MultiError(call: "curl_multi_perform", code: code)
    }

    /// Sleeps until a socket is ready, `waker` is used, or `milliseconds` pass. When the poll itself fails
    /// (CURLM_UNRECOVERABLE_POLL) the thread sleeps the shorter of the timeout and 10 ms instead, so the loop
    /// neither spins nor stops: its next `perform` still moves every transfer, only wakeups come later.
    /// - SeeAlso: <https://curl.se/libcurl/c/curl_multi_poll.html>
    func poll(milliseconds: Int32) {
        confinement.assertOnLoopThread()
        guard let raw else { return }
        guard curl_multi_poll(raw, nil, 0, milliseconds, nil) != CURLM_OK else { return }
        let sleep = Duration.milliseconds(min(Int(milliseconds), 10))
        var request = timespec(tv_sec: 0, tv_nsec: Int(sleep.components.attoseconds / 1_000_000_000))
        var left = timespec()
        while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
    }

    /// The next finished transfer, or nil when there is none. Messages of another kind (curl defines none) are
    /// skipped.
    /// - SeeAlso: <https://curl.se/libcurl/c/curl_multi_info_read.html>
    func nextFinished() -> Finished? {
        confinement.assertOnLoopThread()
        guard let raw else { return nil }
        var left: Int32 = 0
        while let message = curl_multi_info_read(raw, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            return Finished(easy: easy, result: message.pointee.data.result)
        }
        return nil
    }

    /// Frees the multi handle; every easy handle must have been removed. Idempotent. A failing cleanup leaves
    /// nothing to do but forget the pointer.
    func close() {
        guard let raw else { return }
        self.raw = nil
        _ = curl_multi_cleanup(raw)
    }
}

@available(*, unavailable)
extension MultiHandle: Sendable {}
