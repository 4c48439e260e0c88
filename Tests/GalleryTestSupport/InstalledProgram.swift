import Foundation

/// Where an installed program is, for spawning it by path (posix_spawn does not search PATH): the folders of PATH
/// first, then the usual system ones (nginx is in /usr/sbin, which a user's PATH may lack). nil when it is absent.
public func installedProgram(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let folders =
        path.split(separator: ":").map(String.init) + [
            "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
        ]
    return folders.lazy.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
