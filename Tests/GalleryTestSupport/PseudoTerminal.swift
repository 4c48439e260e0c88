#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair: the tests play the terminal on `controller`, and gallery's code (or a child process
/// given `devicePath`) uses `device`.
public final class PseudoTerminal: @unchecked Sendable {
    // Justification: `controller` and `devicePath` are lets; `device` is closed at most once, by the test that owns
    // the pair, before it hands `controller` to another thread.

    public let controller: Int32
    public private(set) var device: Int32
    public let devicePath: String

    /// An 80×24 terminal; `pixels`, when given, is the text area's size the kernel reports (TIOCGWINSZ).
    public init(pixels: (width: UInt16, height: UInt16) = (0, 0)) throws {
        var controller: Int32 = -1
        var device: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: pixels.width, ws_ypixel: pixels.height)
        guard openpty(&controller, &device, nil, nil, &size) == 0, let name = ttyname(device) else {
            throw SupportError("openpty: \(errno)")
        }
        self.controller = controller
        self.device = device
        devicePath = String(cString: name)
    }

    deinit {
        releaseDevice()
        close(controller)
    }

    /// Closes this process's own descriptor of the device once a child has opened it, so that reading the
    /// controller ends (EIO) when the child is gone.
    public func releaseDevice() {
        guard device >= 0 else { return }
        close(device)
        device = -1
    }

    /// What a user types.
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
    }

    /// What was written to the terminal so far and not read yet: whatever arrives until it is quiet for `quiet`.
    public func output(quiet: Duration = .milliseconds(200)) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let milliseconds = Int32(quiet.components.seconds * 1000 + quiet.components.attoseconds / 1_000_000_000_000_000)
        var waiter = pollfd(fd: controller, events: Int16(POLLIN), revents: 0)
        while poll(&waiter, 1, milliseconds) > 0 {
            let count = read(controller, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return bytes
    }

    public var settings: termios {
        var current = termios()
        tcgetattr(device, &current)
        return current
    }
}
