import Figures

/// Polite defaults for hosts that publish a policy for automated clients.
///
/// Wikimedia's robot policy (April 2025) asks bots for at most 2 concurrent downloads from upload.wikimedia.org
/// and 25 Mbit/s in total. A run that touches such a host gets those limits unless the user set the option
/// explicitly, and is told so in one line.
/// - SeeAlso: <https://wikitech.wikimedia.org/wiki/Robot_policy>
public struct HostProfile: Sendable, Equatable {
    public var host: String
    public var maxInFlight: Int
    public var maxBytesPerSecond: Int
    /// Who asks for these limits, for the notice.
    public var source: String

    public static let wikimediaUploads = HostProfile(
        host: "upload.wikimedia.org", maxInFlight: 2, maxBytesPerSecond: 25_000_000 / 8,
        source: "Wikimedia's robot policy")

    public static let all: [HostProfile] = [.wikimediaUploads]
}

public enum HostProfiles {
    /// What a run should use: per-host limits for the profiled hosts among `hosts` (URLs or host names), minus
    /// whatever the user set explicitly, and the one-line notice to print on stderr when a profile applies.
    ///
    /// - Parameters:
    ///   - explicitMaxPerHost: `--max-per-host` when given; it overrides every profile's concurrency.
    ///   - explicitMaxBytesPerSecond: `--max-rate` when given; it overrides every profile's rate.
    /// - Returns: limits for `FetchConfiguration.hostLimits`, and the notice (nil when nothing applies).
    public static func effectiveLimits(
        hosts: some Sequence<String>, explicitMaxPerHost: Int?, explicitMaxBytesPerSecond: Int?,
        profiles: [HostProfile] = HostProfile.all
    ) -> (limits: [String: HostLimit], notice: String?) {
        let names = Set(hosts.map { $0.contains("/") ? Request(url: $0).hostName : $0.lowercased() })
        var limits: [String: HostLimit] = [:]
        var notices: [String] = []
        for profile in profiles where names.contains(profile.host) {
            var limit = HostLimit()
            var parts: [String] = []
            var overrides: [String] = []
            if explicitMaxPerHost == nil {
                limit.maxInFlight = profile.maxInFlight
                parts.append("at most \(profile.maxInFlight) downloads at once")
                overrides.append("--max-per-host")
            }
            if explicitMaxBytesPerSecond == nil {
                limit.maxBytesPerSecond = profile.maxBytesPerSecond
                parts.append(formatBits(profile.maxBytesPerSecond) + " in total")
                overrides.append("--max-rate")
            }
            guard !parts.isEmpty else { continue }
            limits[profile.host] = limit
            notices.append(
                "\(profile.host): \(parts.joined(separator: " and ")), as \(profile.source) asks"
                    + " (override with \(overrides.joined(separator: " or ")))")
        }
        return (limits, notices.isEmpty ? nil : "gallery: " + notices.joined(separator: "; "))
    }

    /// 3_125_000 bytes/s → "25 Mbit/s".
    static func formatBits(_ bytesPerSecond: Int) -> String {
        let megabits = Double(bytesPerSecond) * 8 / 1e6
        return "\(tenths(megabits)) Mbit/s"
    }
}
