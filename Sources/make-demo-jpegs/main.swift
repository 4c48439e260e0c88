#if canImport(Glibc)
    import Glibc
#endif

/// make-demo-jpegs OUTDIR [COUNT]   writes COUNT (default 10) large photo-like JPEGs for `make demo`,
///                                  skipping those already there with a size in the band.
/// make-demo-jpegs --fixtures DIR   rewrites the committed decode fixtures (Fixtures/jpeg).
let usage = "usage: make-demo-jpegs OUTDIR [COUNT] | make-demo-jpegs --fixtures DIR"
let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    let line = "make-demo-jpegs: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

if arguments.first == "--fixtures" {
    guard arguments.count == 2 else { fail(usage) }
    do {
        try FixtureWriter.write(to: arguments[1])
    } catch {
        fail("\(error)")
    }
    exit(0)
}

guard (1...2).contains(arguments.count), !arguments[0].hasPrefix("-") else { fail(usage) }
let directory = arguments[0]
guard let count = arguments.count == 2 ? Int(arguments[1]) : 10, count >= 0 else { fail(usage) }
mkdir(directory, 0o755)

for index in 0..<count {
    let name = DemoImages.name(index)
    let path = directory + "/" + name
    var info = stat()
    if stat(path, &info) == 0, (DemoImages.minBytes...DemoImages.maxBytes).contains(Int(info.st_size)) {
        print("\(info.st_size)\t\(name)")
        continue
    }
    do {
        let size = try DemoImages.write(DemoImages.spec(index), to: path)
        print("\(size)\t\(name)")
        fflush(nil)  // one line per file as soon as it exists
    } catch {
        fail("\(error)")
    }
}
