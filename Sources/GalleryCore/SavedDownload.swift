import Fetch

#if canImport(Glibc)
    import Glibc
#endif

/// One image under `--save` while it downloads, and every rule about the bytes an earlier run left: the one place
/// that decides whether a part is continued, started over or removed.
///
/// - The image is written to `DIR/.NAME.part`, which becomes `DIR/NAME` only after the whole body arrived and
///   decoded (`commit`); any failure or cancellation removes it (`discard`).
/// - When a body starts from its first byte, the part is emptied and the body's validator (ETag or
///   Last-Modified) stored beside it as `.NAME.part.validator`; without one, no validator file is left.
/// - A part a killed run left is continued when it has bytes, fewer than the file's known size, and a validator:
///   its bytes are fed to the decoder from disk, then the rest is fetched with `Range` + `If-Range`. A changed file
///   comes back whole (`.restart`), which empties the part as above.
/// - A part that cannot be continued is started over: it cannot be read, its bytes do not decode, or the server
///   answers 416 (the part already held the whole file).
///
/// Not Sendable: it belongs to the one task that downloads the image.
final class SavedDownload {
    let folder: SaveFolder
    let name: String
    /// Marked on the file (`SaveOrigin`) so a later run's `SaveNamer` knows it as this URL's.
    let url: String
    private var part: PartFile?
    /// What the part held when it was opened for continuing; nil once it starts from the first byte.
    private(set) var resume: ResumeToken?

    /// The part's bytes were no use: reading or decoding them failed. The download starts over.
    struct UnusablePart: Error {}

    init(folder: SaveFolder, name: String, url: String) {
        self.folder = folder
        self.name = name
        self.url = url
    }

    /// Opens `.NAME.part`: continued (`resume` is then set) when a killed run left one that qualifies, else empty.
    func open(expectedSize: Int64?) throws(SaveError) {
        if let leftover = leftoverPart(), expectedSize.map({ leftover.size < $0 }) ?? true {
            part = leftover.part
            resume = ResumeToken(validator: leftover.validator, offset: leftover.size)
            return
        }
        part = try startPart()
        resume = nil
    }

    /// Lends the part's bytes to `consume`, from the first. Throws `UnusablePart` when they cannot be read or
    /// `consume` refuses them; cancellation is passed on as it is.
    func readHeld(_ consume: (UnsafeRawBufferPointer) async throws -> Void) async throws {
        guard let part, let resume else { return }
        var read: Int64 = 0
        do {
            try await folder.read(named: part.partName) { chunk in
                read += Int64(chunk.count)
                try await consume(chunk)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw UnusablePart()
        }
        guard read == resume.offset else { throw UnusablePart() }
    }

    /// Whether a download that failed with `error` should start over from an empty part instead of failing.
    func shouldStartOver(after error: any Error) -> Bool {
        guard resume != nil else { return false }
        if error is UnusablePart { return true }
        if case .http(status: 416, _)? = (error as? FetchError)?.reason { return true }
        return false
    }

    /// Empties the part and forgets its validator, for a download from the first byte.
    func startOver() throws(SaveError) {
        try restart(nil)
    }

    /// The body starts from its first byte: empty the part, and keep `token`'s validator for a later run.
    func restart(_ token: ResumeToken?) throws(SaveError) {
        resume = nil
        guard let part else { return }
        try part.restart()
        try part.storeValidator(token?.validator)
    }

    /// Throws `SaveError`.
    func write(_ chunk: BodyChunk) throws {
        guard let part else { return }
        try chunk.withUnsafeBytes { try part.write($0) }
    }

    /// Gives the part its final name: the image downloaded and decoded.
    func commit() throws(SaveError) {
        try part?.commit(origin: url)
    }

    /// Removes the part and its validator. Idempotent; a no-op after `commit()`.
    func discard() {
        part?.discard()
    }

    /// `DIR/NAME` relative to the folder, for the report.
    var savedAs: String? { part?.name }

    private var partName: String { "." + name + ".part" }

    /// A fresh `.NAME.part`, replacing one left by an interrupted run (and forgetting its validator).
    private func startPart() throws(SaveError) -> PartFile {
        unlinkat(folder.descriptor, partName + PartFile.validatorSuffix, 0)
        let fd = openat(folder.descriptor, partName, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SaveError(folder.display(partName), call: "open") }
        return PartFile(folder: folder, fd: fd, partName: partName, name: name)
    }

    /// `.NAME.part` as an interrupted run left it: a regular file with bytes, and beside it a stored validator.
    /// Nil when either is missing or looks wrong.
    private func leftoverPart() -> (part: PartFile, size: Int64, validator: String)? {
        guard let validator = folder.readValidator(named: partName + PartFile.validatorSuffix) else { return nil }
        let fd = openat(folder.descriptor, partName, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
            lseek(fd, 0, SEEK_END) == info.st_size
        else {
            close(fd)
            return nil
        }
        return (PartFile(folder: folder, fd: fd, partName: partName, name: name), Int64(info.st_size), validator)
    }
}
