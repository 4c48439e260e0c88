#if canImport(Glibc)
    import Glibc
#endif

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
