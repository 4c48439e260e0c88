import Browse
import Decode
import Fetch
import Imaging
import Render
import Selection

/// The live contact sheet as a run output: each shown image fills the slot of its number, a failure joins the
/// list under the grid, and progress is drawn while downloads run. While the sheet is up, the reporter holds the
/// lines that would land on its terminal; they follow the finished sheet.
struct LiveGallery: RunOutput {
    let view: LiveView
    let reporter: Reporter
    /// `--keep-images`: an interrupted run leaves its pixel images on screen too.
    let keepImages: Bool
    /// `--save`'s folder, for the browse keys to find saved files.
    var saveFolder: SaveFolder? = nil

    var showsProgress: Bool { true }

    func begin() async {
        reporter.hold(stdout: view.terminal.fileDescriptor == reporter.out.fileDescriptor)
        await view.begin()
    }

    func record(_ event: RunEvent) async {
        switch event {
        case .completed(let image, let index, _, _):
            await view.show(
                slot: index - 1, thumbnail: image.thumbnail.pixels,
                title: Report.title(index: index, bytes: image.bytes),
                name: image.candidate.name, browsed: browsed(image))
        case .failed(let candidate, let reason):
            await view.fail(name: candidate.name, reason: reason)
        case .selected, .started, .summary:
            break
        }
    }

    /// What the browse keys need of a shown image: its facts and where its body is.
    private func browsed(_ image: ShownImage) -> BrowsedImage {
        let saved = image.savedAs.flatMap { name in saveFolder.map { $0.display(name) } }
        let body = saved.map { BrowsedBody.saved(path: $0) } ?? image.spoolID.map { .spooled(id: $0) } ?? .none
        let facts = ImageFacts(
            url: image.candidate.url, bytes: image.bytes, pixelSize: image.thumbnail.imageSize,
            format: image.thumbnail.format.description,
            downloadTime: image.response.map { .seconds($0.seconds) }, savedPath: saved)
        return BrowsedImage(name: image.candidate.name, facts: facts, body: body)
    }

    func progress(_ transfers: [TransferProgress], tally: RunTally) async {
        await view.progress(transfers, tally: tally)
    }

    func end(_ tally: RunTally, interrupted: Bool) async {
        await view.finish(tally: tally, erasingImages: interrupted && !keepImages)
        reporter.release()
    }
}
