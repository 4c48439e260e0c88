import Selection

#if canImport(Glibc)
    import Glibc
#endif

/// `--save` names from the URL and what the folder already holds, so the choice needs no look at the rest of the
/// list and a rerun finds what an earlier run saved:
///
/// 1. `Name-1a2b3c4d.jpg` (the URL's hash, `SaveName.suffixed`) when that file exists: an earlier run saved it so.
/// 2. `Name.jpg` when that file exists and is marked as saved from this URL (`SaveOrigin`).
/// 3. `Name-1a2b3c4d.jpg` when `Name.jpg` exists but is another URL's (or unmarked), or is already claimed in
///    this run by another URL.
/// 4. Otherwise `Name.jpg`, claimed for this URL.
///
/// It holds the names claimed in this run: O(chosen images and spares), never the list.
public struct SaveNamer: Sendable {
    private let folder: SaveFolder
    private var claimed: [String: String] = [:]

    public init(folder: SaveFolder) {
        self.folder = folder
    }

    /// The file name for `url` (the same URL always gets the same answer within a run).
    public mutating func name(for url: String) -> String {
        let plain = SaveName.sanitized(Candidate.name(of: url))
        let distinct = SaveName.suffixed(plain, hash: SaveName.shortHash(url))
        let name: String
        if exists(distinct) {
            name = distinct
        } else if exists(plain) {
            name = SaveOrigin.url(ofFileNamed: plain, in: folder.descriptor) == url ? plain : distinct
        } else if let owner = claimed[plain], owner != url {
            name = distinct
        } else {
            name = plain
        }
        claimed[name] = url
        return name
    }

    private func exists(_ name: String) -> Bool {
        var info = stat()
        return fstatat(folder.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }
}
