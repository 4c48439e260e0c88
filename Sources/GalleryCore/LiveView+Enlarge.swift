import Browse
import Decode
import Dispatch
import Imaging
import Render

/// The enlarged view, `s` and `r` while browsing. Decoding and saving run off the actor (a decode is CPU-heavy,
/// a save is blocking file I/O); their results come back into it, and a result the user no longer waits for
/// (`generation` moved on) is dropped.
extension LiveView {
    /// Shows `slot` alone: the alternate screen at once, then the image when its decode is done.
    func enlarge(slot: Int, facts: Bool) {
        guard var state = browse, let image = state.images[slot] else { return }
        state.decodeTask?.cancel()
        state.generation += 1
        let generation = state.generation
        let layout = EnlargedLayout(window: terminal.size())
        let encoder = screen.encoder
        let imageSlot = enlargedImageSlot
        let status = facts ? image.facts.line(width: layout.window.columns - 1) : Self.hint(for: image.name)
        var frame: [UInt8] = []
        var entering: ExitRestore.Modes = []
        if !state.onAlternateScreen {
            frame.append(.alternateScreenOn)
            state.onAlternateScreen = true
            entering = .alternateScreen
        }
        frame += EnlargedView.statusLine(status + " · decoding…", layout: layout)
        terminal.draw(frame, turningOn: entering)
        let spool = state.services?.spool
        state.decodeTask = Task.detached { [weak self] in
            let drawn: [UInt8]
            do {
                let body = try Self.open(image.body, spool: spool)
                let box = layout.pixelBox(for: encoder)
                let decoded = try await EnlargedImage.decode(body, fitting: box)
                drawn = EnlargedView.frame(
                    Self.filling(box, with: decoded.pixels), layout: layout, encoder: encoder, status: status,
                    imageSlot: imageSlot, entering: false)
            } catch is CancellationError {
                return
            } catch {
                drawn =
                    Self.blank(encoder: encoder, imageSlot: imageSlot)
                    + EnlargedView.statusLine(
                        image.name + ": " + Self.describe(error), layout: layout)
            }
            await self?.showEnlarged(drawn, generation: generation)
        }
        browse = state
    }

    private func showEnlarged(_ frame: [UInt8], generation: Int) {
        guard browse?.generation == generation, case .enlarged = browse?.session.place else { return }
        terminal.draw(frame)
    }

    /// Back to the sheet, redrawn if it changed meanwhile, with the highlight on the image last looked at.
    func returnToSheet(highlighting slot: Int) {
        guard let state = browse else { return }
        state.decodeTask?.cancel()
        browse?.generation += 1
        if state.onAlternateScreen {
            terminal.draw(
                EnlargedView.leaving(encoder: screen.encoder, imageSlot: enlargedImageSlot), off: .alternateScreen)
            browse?.onAlternateScreen = false
        }
        if state.sheetBehind {
            redrawSheet()
        } else {
            drawHighlight(on: slot)
        }
    }

    /// `s`: with `--save` the file is there already; otherwise the spooled body is copied into the current folder
    /// under a name nothing else has.
    func save(slot: Int) {
        guard let image = browse?.images[slot] else { return }
        let spool = browse?.services?.spool
        switch image.body {
        case .saved(let path):
            say("\(image.name) is saved already: \(path)")
        case .spooled(let id):
            let name = SaveName.sanitized(image.name)
            Task {
                let result = await withCheckedContinuation { continuation in
                    DispatchQueue.global().async {
                        continuation.resume(returning: Self.saveBlocking(id: id, spool: spool, name: name))
                    }
                }
                say(result)
            }
        case .none:
            say("\(image.name): kept nowhere, so it cannot be saved")
        }
    }

    /// `r`: fetches a body the spool dropped, into the spool only; the run's lines and totals do not change.
    func refetch(slot: Int) {
        guard let image = browse?.images[slot], let services = browse?.services else { return }
        guard case .spooled(let id) = image.body else {
            say("\(image.name): nothing to fetch again")
            return
        }
        switch services.spool?.status(of: id) {
        case .sealed:
            say("\(image.name) is in the spool")
            return
        case .writing:
            say("\(image.name) is being fetched")
            return
        default:
            break
        }
        say("fetching \(image.name) again…")
        Task {
            let failure = await services.refetch(image.facts.url, id)
            say(failure.map { "\(image.name): \($0)" } ?? "\(image.name) fetched again")
            if failure == nil, case .enlarged(slot, let facts) = browse?.session.place {
                enlarge(slot: slot, facts: facts)
            }
        }
    }

    /// A short message on the status line of what the user sees now.
    func say(_ text: String) {
        switch browse?.session.place {
        case .enlarged:
            terminal.draw(EnlargedView.statusLine(text, layout: EnlargedLayout(window: terminal.size())))
        case .sheet:
            terminal.draw(screen.status(text))
        default:
            screen.statusText = text
        }
    }

    private static func hint(for name: String) -> String {
        Sanitizer.displayName(name) + "   n p: next, previous · i: facts · s: save · q: back"
    }

    /// `pixels` grown to fill `box` when the image is smaller than the window: the decoder only ever scales down.
    private static func filling(_ box: PixelSize, with pixels: Pixels) -> Pixels {
        let size = EnlargedLayout.fit(PixelSize(width: pixels.width, height: pixels.height), in: box)
        guard size.width > pixels.width, size.height > pixels.height else { return pixels }
        return Resampler.resample(pixels, to: size)
    }

    private static func blank(encoder: any CellEncoder, imageSlot: Int) -> [UInt8] {
        var frame = encoder.erase(slot: imageSlot)
        frame.append(.resetAttributes)
        frame.append(.eraseScreen)
        return frame
    }

    /// The body to decode or save, or an error that says why there is none.
    private static func open(_ body: BrowsedBody, spool: Spool?) throws -> BodyReader {
        switch body {
        case .saved(let path):
            return try BodyReader(path: path)
        case .spooled(let id):
            guard let spool else { throw BrowseUnavailable.notKept }
            if let reader = spool.reader(for: id) { return reader }
            switch spool.status(of: id) {
            case .evicted, .absent: throw BrowseUnavailable.dropped
            case .tooLarge: throw BrowseUnavailable.tooLarge
            case .writing, .sealed: throw BrowseUnavailable.notKept
            }
        case .none:
            throw BrowseUnavailable.notKept
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? BrowseUnavailable)?.rawValue ?? String(describing: error)
    }

    /// The line `s` leaves: where the copy went, or why there is none. Blocking: runs on a Dispatch thread.
    private static func saveBlocking(id: Int, spool: Spool?, name: String) -> String {
        do {
            let body = try open(.spooled(id: id), spool: spool)
            let path = try NoReplaceSave.save(body, into: ".", as: name)
            return "saved " + path
        } catch {
            return name + ": " + describe(error)
        }
    }
}

/// Why an image cannot be enlarged or saved while browsing.
enum BrowseUnavailable: String, Error {
    case dropped = "dropped from the spool (--spool-max): r fetches it again"
    case tooLarge = "larger than --spool-max, so it was not kept"
    case notKept = "not kept (no spool)"
}
