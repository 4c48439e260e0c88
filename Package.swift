// swift-tools-version: 6.1
import PackageDescription

/// gallery: input → selection → fetch → decode → render, one target per stage.
/// C lives only in the shim targets (CCurl, CJPEG, JPEGShim, DemoJPEGEncoder, and one C library and one shim per
/// image format); Swift never calls a variadic C function and never sees a setjmp.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "gallery",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gallery", targets: ["gallery"])
    ],
    targets: [
        // C shims.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg-dev"])]
        ),
        .target(name: "JPEGShim", dependencies: ["CJPEG"]),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .target(name: "PNGShim", dependencies: ["CPNG"]),
        .systemLibrary(
            name: "CWebP",
            pkgConfig: "libwebp",
            providers: [.apt(["libwebp-dev"])]
        ),
        .target(name: "WebPShim", dependencies: ["CWebP"]),
        .systemLibrary(
            name: "CGIF",
            pkgConfig: "libgif",
            providers: [.apt(["libgif-dev"])]
        ),
        .target(name: "GIFShim", dependencies: ["CGIF"]),

        // libjpeg's compressor for make-demo-jpegs alone, so the gallery binary carries no encoder.
        .target(name: "DemoJPEGEncoder", dependencies: ["CJPEG"]),

        // The EINTR retry every system call site needs, written once; no C, no dependencies.
        .target(name: "SystemCalls", swiftSettings: strict),
        // How numbers and durations read (`formatSeconds`, `decimals`), shared by every stage that shows one.
        .target(name: "Figures", swiftSettings: strict),

        // Stages.
        .target(name: "Imaging", swiftSettings: strict),
        .target(name: "Selection", dependencies: ["Figures"], swiftSettings: strict),
        .target(name: "Fetch", dependencies: ["CCurl", "Figures"], swiftSettings: strict),
        .target(
            name: "Decode", dependencies: ["JPEGShim", "PNGShim", "WebPShim", "GIFShim", "Imaging", "Figures"],
            swiftSettings: strict),
        .target(name: "Render", dependencies: ["Imaging", "SystemCalls", "Figures"], swiftSettings: strict),
        // Browsing the sheet: keys, the highlight, the enlarged view, the spool and saving without overwriting.
        .target(
            name: "Browse", dependencies: ["Render", "Decode", "Imaging", "SystemCalls", "Figures"],
            swiftSettings: strict),
        .target(
            name: "GalleryCore",
            dependencies: ["Selection", "Fetch", "Decode", "Render", "Imaging", "Browse", "SystemCalls", "Figures"],
            swiftSettings: strict
        ),
        // The command line is our own (CommandLineSpec): no package dependency, no Foundation in the binary.
        .executableTarget(name: "gallery", dependencies: ["GalleryCore"], swiftSettings: strict),
        // Writes the demo's large JPEGs (deterministic, photo-like) through libjpeg's compressor.
        .executableTarget(
            name: "make-demo-jpegs", dependencies: ["DemoJPEGEncoder", "Selection"], swiftSettings: strict),
        // Decodes one file through JPEGDecoder: peak-RSS increase (DecodeTests' memory test) or time (bench).
        .executableTarget(
            name: "decode-probe", dependencies: ["Decode", "Imaging", "SystemCalls"], swiftSettings: strict),
        // Holds a spool or the browse input mode open for a test that then kills it or lets it exit.
        .executableTarget(name: "browse-probe", dependencies: ["Browse", "Render"], swiftSettings: strict),
        // The fetch engine alone over a URL list (make bench's scale case, next to curl).
        .executableTarget(name: "fetch-bench", dependencies: ["Fetch", "SystemCalls"], swiftSettings: strict),
        // The text encoders alone: their speed on one slot, and drawings for the bench's text section.
        .executableTarget(name: "cell-bench", dependencies: ["Render", "Imaging"], swiftSettings: strict),

        // Tests: real peers (nginx, our fault server), fixtures from Fixtures/.
        .target(
            name: "GalleryTestSupport", dependencies: ["Imaging", "Selection", "SystemCalls"],
            path: "Tests/GalleryTestSupport",
            swiftSettings: strict),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], swiftSettings: strict),
        .testTarget(name: "SelectionTests", dependencies: ["Selection"], swiftSettings: strict),
        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"], swiftSettings: strict),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"], swiftSettings: strict),
        .testTarget(
            name: "FetchTests", dependencies: ["Fetch", "GalleryTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "DecodeTests", dependencies: ["Decode", "Imaging", "GalleryTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "RenderTests", dependencies: ["Render", "Imaging", "Decode", "GalleryTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "BrowseTests",
            dependencies: ["Browse", "Render", "Decode", "Imaging", "Selection", "GalleryTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "GalleryTests", dependencies: ["GalleryCore", "GalleryTestSupport", "SystemCalls", "Figures"],
            swiftSettings: strict),
    ]
)
