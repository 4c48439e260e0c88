public import Imaging

/// Draws images with the kitty graphics protocol: raw 24-bit RGB (`f=24`), Base64, in chunks of at most
/// 4096 payload bytes (`m=1` on all but the last), quiet (`q=2`, so the terminal never answers into our
/// input), placed at the cursor without moving it (`C=1`).
///
/// Each slot gets its own image id (`i=`, `imageIDBase + slot`) so a slot's image can be replaced or deleted
/// on its own; a random base per run keeps a new run from replacing images an earlier run left on screen.
/// The placement is told its size in cells (`c=`, `r=`): the terminal scales the image into exactly the
/// footprint we reserved, so a wrong guess of the cell size distorts a little but never spills into a
/// neighbouring slot.
/// - SeeAlso: <https://sw.kovidgoyal.net/kitty/graphics-protocol/>
public struct KittyEncoder: CellEncoder {
    public let cellPixels: CellPixels
    /// The id of slot 0's image; slot k uses `imageIDBase + k`. Never 0, which kitty reads as "no id".
    public let imageIDBase: UInt32

    /// Payload bytes per escape sequence; the protocol's limit, and a multiple of 4 as Base64 needs.
    public static let chunkSize = 4096

    public init(cellPixels: CellPixels = .fallback, imageIDBase: UInt32 = 1) {
        self.cellPixels = cellPixels
        self.imageIDBase = max(1, min(imageIDBase, UInt32.max - 0xffff))
    }

    /// A base that is unlikely to collide with another program's (or another run's) images.
    public static func randomIDBase() -> UInt32 {
        UInt32.random(in: 0x0100_0000...0x7f00_0000)
    }

    public func pixelBox(for cells: CellSize) -> PixelSize { cellPixels.pixelBox(for: cells) }

    public func footprint(of size: PixelSize) -> CellSize { cellPixels.footprint(of: size) }

    /// An image without an id: drawn, but not addressable later. The screen uses `encode(_:at:slot:)`.
    public func encode(_ pixels: Pixels, at origin: CellPosition) -> [UInt8] {
        encode(pixels, at: origin, id: nil)
    }

    /// Deletes the slot's previous image, then transmits and places the new one under the same id.
    public func encode(_ pixels: Pixels, at origin: CellPosition, slot: Int) -> [UInt8] {
        encode(pixels, at: origin, id: imageID(forSlot: slot))
    }

    public func erase(slot: Int) -> [UInt8] {
        Escape.kittyGraphics(keys: "a=d,d=I,i=\(imageID(forSlot: slot)),q=2", payload: []).bytes
    }

    public func eraseAll(slotCount: Int) -> [UInt8] {
        (0..<max(0, slotCount)).flatMap { erase(slot: $0) }
    }

    /// Deletes every image placement on the visible screen and frees their data (`a=d,d=A`), whoever drew
    /// them; `eraseAll(slotCount:)` is the polite version that touches only ours.
    public static let deleteAllVisible = Escape.kittyGraphics(keys: "a=d,d=A,q=2", payload: [])

    public func imageID(forSlot slot: Int) -> UInt32 {
        imageIDBase &+ UInt32(truncatingIfNeeded: max(0, slot))
    }

    func encode(_ pixels: Pixels, at origin: CellPosition, id: UInt32?) -> [UInt8] {
        guard pixels.width > 0, pixels.height > 0 else { return [] }
        let cells = footprint(of: PixelSize(width: pixels.width, height: pixels.height))
        let payload = Base64.encode(Self.rgb(pixels))
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + payload.count / Self.chunkSize * 24 + 96)
        out.append(.cursorPosition(origin))
        var keys = "a=T,f=24,s=\(pixels.width),v=\(pixels.height)"
        if let id {
            out.append(.kittyGraphics(keys: "a=d,d=I,i=\(id),q=2", payload: []))
            keys += ",i=\(id),p=1"
        }
        keys += ",c=\(cells.columns),r=\(cells.rows),C=1,q=2"
        var start = 0
        while start < payload.count {
            let end = min(payload.count, start + Self.chunkSize)
            let more = end < payload.count ? "m=1" : "m=0"
            let chunkKeys = start == 0 ? keys + "," + more : "q=2," + more
            out.append(.kittyGraphics(keys: chunkKeys, payload: Array(payload[start..<end])))
            start = end
        }
        return out
    }

    /// The pixels as packed RGB, three bytes each.
    static func rgb(_ pixels: Pixels) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pixels.width * pixels.height * 3)
        for i in stride(from: 0, to: pixels.bytes.count, by: Pixels.bytesPerPixel) {
            out.append(pixels.bytes[i])
            out.append(pixels.bytes[i + 1])
            out.append(pixels.bytes[i + 2])
        }
        return out
    }
}
