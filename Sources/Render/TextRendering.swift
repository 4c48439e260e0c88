/// How thumbnails are drawn when they are drawn with text: the glyphs, the dithering and the terminal's
/// 16 colours. The command line's `--symbols` and `--dither`, plus what the terminal answered.
public struct TextRendering: Sendable, Hashable {
    public var symbols: SymbolSet
    public var dither: Dither
    public var palette: TerminalPalette

    /// Dithering when `--dither` is not given: none. With cells this coarse, diffusion's scattered cells cost
    /// more structure (SSIM) than the tone they save; `--dither diffusion` is the choice for smooth gradients.
    public static let defaultDither = Dither.none

    public init(symbols: SymbolSet, dither: Dither = defaultDither, palette: TerminalPalette = .xterm) {
        self.symbols = symbols
        self.dither = dither
        self.palette = palette
    }

    /// The encoder for `colors`. `--symbols half --dither none` on xterm's palette is `HalfBlockEncoder`
    /// itself, so its output stays byte for byte what earlier captures hold.
    public func encoder(colors: ColorMode) -> any CellEncoder {
        let needsPalette = colors == .ansi16 && palette != .xterm
        if symbols == .half, dither == .none || colors == .trueColor, !needsPalette {
            return HalfBlockEncoder(colorMode: colors)
        }
        return SymbolEncoder(
            symbols: symbols, quantizer: ColorQuantizer(mode: colors, palette: palette), dither: dither)
    }
}

extension GraphicsSupport {
    /// The encoder for this support, with `text` for the cells when the protocol is blocks.
    public func encoder(
        colors: ColorMode, text: TextRendering, kittyIDBase: UInt32 = KittyEncoder.randomIDBase()
    ) -> any CellEncoder {
        graphics == .blocks ? text.encoder(colors: colors) : encoder(colors: colors, kittyIDBase: kittyIDBase)
    }
}
