import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Observes signals with Dispatch sources, so no work ever runs inside a signal handler.
///
/// SIGINT, SIGTERM and SIGHUP cancel the run (which restores the terminal and prints what it has); SIGWINCH asks
/// for a redraw at the new size. Their default actions are turned off while the watcher lives.
public final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    public init(onInterrupt: @escaping @Sendable (Int32) -> Void, onResize: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "gallery.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { onInterrupt(number) }
            source.resume()
            sources.append(source)
        }
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: queue)
        resize.setEventHandler { onResize() }
        resize.resume()
        sources.append(resize)
        self.sources = sources
    }

    public func cancel() {
        for source in sources { source.cancel() }
    }
}
