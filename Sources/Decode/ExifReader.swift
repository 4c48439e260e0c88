import Imaging

/// Reads the Orientation tag from EXIF data as PNG's eXIf chunk and WebP's EXIF chunk carry it: a TIFF header
/// and IFD0, sometimes after the "Exif\0\0" prefix JPEG's APP1 uses (some WebP writers keep it).
/// - SeeAlso: <https://www.cipa.jp/std/documents/e/DC-008-2012_E.pdf> (Exif 2.3, section 4.5.2)
enum ExifReader {
    /// The orientation, or nil when the data is malformed or has no valid tag.
    static func orientation(in exif: UnsafeRawBufferPointer) -> ExifOrientation? {
        var tiff = exif[...]
        if tiff.starts(with: Array("Exif".utf8) + [0, 0]) { tiff = tiff.dropFirst(6) }
        let bytes = Array(tiff)
        guard bytes.count >= 8 else { return nil }
        let little: Bool
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= bytes.count else { return nil }
            return little ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : Int(bytes[at]) << 8 | Int(bytes[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for index in 0..<entries {
            let entry = ifd + 2 + index * 12
            guard let tag = u16(entry), let type = u16(entry + 2) else { return nil }
            if tag == 0x0112 && type == 3 { return u16(entry + 8).flatMap { ExifOrientation(rawValue: $0) } }
        }
        return nil
    }
}

/// The thumbnail's size before it is turned upright: the decoded image fitted into `box` as it will be shown
/// (upright), measured back in stored orientation. No box: the decoded size.
func storedThumbnailSize(of decoded: PixelSize, turned orientation: ExifOrientation, fitting box: PixelSize)
    -> PixelSize
{
    guard box.width > 0 && box.height > 0 else { return decoded }
    let upright = orientation.uprightSize(of: decoded)
    return orientation.uprightSize(of: Resampler.fittingSize(of: upright, in: box))
}

/// `pixels` made upright, then scaled down again if the orientation only became known after they were sized
/// (an EXIF chunk after the image data) and the turn made them overflow the box.
func uprightThumbnail(_ pixels: Pixels, turned orientation: ExifOrientation, fitting box: PixelSize) -> Pixels {
    let upright = pixels.applying(orientation)
    guard box.width > 0 && box.height > 0, upright.width > box.width || upright.height > box.height else {
        return upright
    }
    let size = Resampler.fittingSize(of: PixelSize(width: upright.width, height: upright.height), in: box)
    return Resampler.resample(upright, to: size)
}
