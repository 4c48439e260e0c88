import CCurl

/// One `CURL*` easy handle: typed setters and getters over the shim's one-line wrappers.
///
/// Owned by the fetch loop thread; never shared.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    deinit { curl_easy_cleanup(raw) }

    /// Each setter returns curl's complaint, if any, so a bad option is an error naming it, never a crash.
    @discardableResult
    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        gallery_easy_setopt_long(raw, option, value)
    }

    @discardableResult
    func set(_ option: CURLoption, offset value: Int64) -> CURLcode {
        gallery_easy_setopt_off(raw, option, curl_off_t(value))
    }

    /// curl copies strings passed to `curl_easy_setopt` (since 7.17), so the Swift string may go away after.
    @discardableResult
    func set(_ option: CURLoption, _ value: String) -> CURLcode {
        value.withCString { gallery_easy_setopt_string(raw, option, $0) }
    }

    @discardableResult
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) -> CURLcode {
        gallery_easy_setopt_pointer(raw, option, value)
    }

    func long(_ info: CURLINFO) -> Int? {
        var value = 0
        return gallery_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : nil
    }

    func offset(_ info: CURLINFO) -> Int64? {
        var value: curl_off_t = 0
        return gallery_easy_getinfo_off(raw, info, &value) == CURLE_OK ? Int64(value) : nil
    }
}

@available(*, unavailable)
extension EasyHandle: Sendable {}
