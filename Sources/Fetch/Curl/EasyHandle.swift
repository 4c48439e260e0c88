import CCurl

/// One `CURL*` easy handle: typed setters and getters over the shim's one-line wrappers.
///
/// Owned by the fetch loop thread; never shared (checked in debug builds).
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    private let confinement = LoopConfinement.here()
    /// CURLOPT_HTTPHEADER's list: curl does not copy it, so it lives until the handle's next list replaces it, or
    /// until the handle is freed.
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
    }

    /// Extra request headers ("If-Range: \"v1\"") for the next transfer, replacing the last transfer's; none
    /// clears them. Costs nothing when there were none and are none.
    /// - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_HTTPHEADER.html>
    func setHeaders(_ lines: [String]) -> CURLcode {
        if lines.isEmpty && headerList == nil { return CURLE_OK }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                return CURLE_OUT_OF_MEMORY
            }
            list = longer
        }
        let code = gallery_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list)
        curl_slist_free_all(headerList)
        headerList = list
        return code
    }

    /// Each setter returns curl's complaint, if any, so a bad option is an error naming it, never a crash.
    @discardableResult
    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        confinement.assertOnLoopThread()
        return gallery_easy_setopt_long(raw, option, value)
    }

    @discardableResult
    func set(_ option: CURLoption, offset value: Int64) -> CURLcode {
        gallery_easy_setopt_off(raw, option, curl_off_t(value))
    }

    /// curl copies strings passed to `curl_easy_setopt` (since 7.17), so the Swift string may go away after. nil
    /// puts the option back to its default.
    @discardableResult
    func set(_ option: CURLoption, _ value: String?) -> CURLcode {
        guard let value else { return gallery_easy_setopt_string(raw, option, nil) }
        return value.withCString { gallery_easy_setopt_string(raw, option, $0) }
    }

    @discardableResult
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) -> CURLcode {
        gallery_easy_setopt_pointer(raw, option, value)
    }

    /// nil when curl cannot say (it does not know the value, or `info` does not apply): each caller decides what
    /// an unknown value means where it asks.
    func long(_ info: CURLINFO) -> Int? {
        confinement.assertOnLoopThread()
        var value = 0
        return gallery_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : nil
    }

    func offset(_ info: CURLINFO) -> Int64? {
        var value: curl_off_t = 0
        return gallery_easy_getinfo_off(raw, info, &value) == CURLE_OK ? Int64(value) : nil
    }

    /// Lets a paused transfer go on; curl may call the write callback from inside, re-delivering held bytes.
    /// - SeeAlso: <https://curl.se/libcurl/c/curl_easy_pause.html>
    func unpause() -> CURLcode {
        confinement.assertOnLoopThread()
        return curl_easy_pause(raw, gallery_pause_cont)
    }

    /// Clears what pointed into the last transfer (its callbacks' userdata, its error buffer) before the handle
    /// idles, so nothing dangles once that transfer is freed. False when curl refused one: the handle must then
    /// not be reused.
    func detach() -> Bool {
        [CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_ERRORBUFFER].allSatisfy { set($0, pointer: nil) == CURLE_OK }
    }
}

@available(*, unavailable)
extension EasyHandle: Sendable {}
