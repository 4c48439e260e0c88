#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the number of transfers in flight within the process's file-descriptor limit, whatever the options say.
///
/// Each transfer may hold a socket, and curl may add a socket pair for the threaded resolver, so a transfer is
/// budgeted at 3 descriptors; a reserve stays free for everything else the process opens (the decoder, stdout,
/// the terminal, log files).
/// - SeeAlso: <https://man7.org/linux/man-pages/man2/getrlimit.2.html>
public enum DescriptorBudget {
    public static let perTransfer = 3
    public static let reserve = 32

    /// `requested`, lowered so `open + reserve + perTransfer × result` stays under `softLimit`; at least 1.
    public static func clamp(_ requested: Int, softLimit: Int, open: Int) -> Int {
        let headroom = (softLimit - open - reserve) / perTransfer
        return max(1, min(requested, headroom))
    }

    /// `clamp` with this process's RLIMIT_NOFILE soft limit and its descriptors open now (/proc/self/fd).
    public static func clampToProcess(_ requested: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return requested }
        // RLIM_INFINITY is all ones; Int(clamping:) makes it Int.max.
        let soft = Int(clamping: limit.rlim_cur)
        return clamp(requested, softLimit: soft, open: openDescriptors() ?? 0)
    }

    /// How many descriptors this process has open, or nil when /proc is not there.
    public static func openDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { count += 1 }
        }
        // The directory stream itself holds one.
        return count - 1
    }
}
