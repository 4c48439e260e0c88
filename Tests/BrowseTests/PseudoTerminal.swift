#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair: the tests type into `controller` and gallery's code reads `device`.
final class PseudoTerminal {
    let controller: Int32
    let device: Int32
    let devicePath: String

    init() throws {
        var controller: Int32 = -1
        var device: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&controller, &device, nil, nil, &size) == 0, let name = ttyname(device) else {
            throw PseudoTerminalError()
        }
        self.controller = controller
        self.device = device
        devicePath = String(cString: name)
    }

    deinit {
        close(device)
        close(controller)
    }

    /// What a user types.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
    }

    /// What was written to the terminal so far and not read yet: whatever arrives until it is quiet for `quiet`.
    func output(quiet: Duration = .milliseconds(200)) -> [UInt8] {
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

    var settings: termios {
        var current = termios()
        tcgetattr(device, &current)
        return current
    }
}

struct PseudoTerminalError: Error {}

/// The fields of `termios` the browse mode changes or must keep, comparable.
struct ModeFlags: Equatable {
    var local: tcflag_t
    var input: tcflag_t
    var output: tcflag_t

    init(_ settings: termios) {
        local = settings.c_lflag
        input = settings.c_iflag
        output = settings.c_oflag
    }
}
