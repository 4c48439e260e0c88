"""One measured run: a child under GNU time, its output read as it arrives and stamped with time.monotonic().

Every child runs in its own session, so `kill_children` can end it with whatever it started."""

import fcntl
import os
import pty
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

from .settings import GNU_TIME

COLS, ROWS = 160, 50

# Every run sees the same terminal description; the size comes from the pty alone.
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
BASE_ENV.update(TERM="xterm-256color", COLORTERM="truecolor", LC_ALL="C.UTF-8")

_children = []  # Popen-like objects still running, killed (their whole session) on any exit


def sh(*argv, **kw):
    """A short helper command, its output captured as text."""
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def kill_children():
    for child in list(_children):
        if child.poll() is None:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                child.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
    _children.clear()


class SpawnedChild:
    """What `measure` and `kill_children` use of a Popen, for a child started with os.posix_spawnp."""

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.pid, timeout)
            time.sleep(0.005)
        return self.returncode


def spawn_pty(argv, stdin_path):
    """Starts argv with stdout and stderr (and stdin, unless a file is given) on a new pseudo-terminal of
    COLS x ROWS, its controlling terminal.

    posix_spawn rather than Popen: making the terminal controlling takes a preexec_fn, which forces Popen to fork
    and run Python in the child, a start-up cost the piped runs would not pay. Here the child starts a session and
    then opens the terminal by name, which makes it the session's controlling terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    terminal = os.ttyname(slave)
    os.close(slave)
    actions = [(os.POSIX_SPAWN_OPEN, 1, terminal, os.O_RDWR, 0), (os.POSIX_SPAWN_DUP2, 1, 2)]
    actions.append((os.POSIX_SPAWN_OPEN, 0, stdin_path, os.O_RDONLY, 0) if stdin_path
                   else (os.POSIX_SPAWN_DUP2, 1, 0))
    # Python ignores SIGPIPE and SIGXFSZ; Popen puts them back for its children, and so must we.
    pid = os.posix_spawnp(argv[0], argv, BASE_ENV, file_actions=actions, setsid=True,
                          setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
    return SpawnedChild(pid), master


def check_pty_size():
    """The pty must really be COLS x ROWS for the program inside it."""
    child, master = spawn_pty(["stty", "size"], None)
    out = b""
    while True:
        try:
            chunk = os.read(master, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    child.wait()
    os.close(master)
    if out.split() != [str(ROWS).encode(), str(COLS).encode()]:
        sys.exit(f"bench: the pseudo-terminal reports {out!r}, not {ROWS} {COLS}")
    return out.decode().strip()


def _start(cmd, stdin_path, tty):
    """The child and its output streams (descriptor -> "stdout" or "stderr")."""
    if tty:
        child, master = spawn_pty(cmd, stdin_path)
        return child, {master: "stdout"}, master
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    child = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=BASE_ENV, start_new_session=True)
    if stdin_path:
        stdin.close()
    return child, {child.stdout.fileno(): "stdout", child.stderr.fileno(): "stderr"}, None


def measure(argv, *, stdin_path=None, tty=False, watch="stdout", marker=None, timeout=600.0, every=False):
    """Runs argv under GNU time. Returns wall/cpu/rss from GNU time, the first `marker` match on the watched
    stream (seconds after spawn, time.monotonic), and everything the run wrote to stdout and stderr. With `every`,
    also `stamps`: the same stamp for each line of the watched stream that matches, in order."""
    fd, timefile = tempfile.mkstemp(prefix="gallery-bench-time.")
    os.close(fd)
    cmd = [GNU_TIME, "-f", "%e %U %S %M", "-o", timefile] + argv
    start = time.monotonic()
    child, streams, master = _start(cmd, stdin_path, tty)
    _children.append(child)
    data = {"stdout": bytearray(), "stderr": bytearray()}
    first = None
    usage = reaped = None
    scanned = 0
    stamps, line_start = [], 0  # with `every`: the stamps so far, and where the watched stream's open line starts
    selector = selectors.DefaultSelector()
    for stream_fd in streams:
        os.set_blocking(stream_fd, False)
        selector.register(stream_fd, selectors.EVENT_READ)
    try:
        while streams:
            left = start + timeout - time.monotonic()
            if left <= 0:
                os.killpg(child.pid, signal.SIGKILL)
                raise RuntimeError(f"timed out after {timeout:.0f} s: {' '.join(argv)}")
            for key, _ in selector.select(min(left, 1.0)):
                try:
                    chunk = os.read(key.fd, 1 << 16)
                except BlockingIOError:
                    continue
                except OSError:  # EIO: the pty's last writer is gone
                    chunk = b""
                now = time.monotonic()
                name = streams[key.fd]
                if not chunk:
                    selector.unregister(key.fd)
                    del streams[key.fd]
                    continue
                buf = data[name]
                buf += chunk
                if first is None and marker is not None and name == watch:
                    # Rescan from the start of the line that was still open (a marker may straddle reads).
                    since = min(buf.rfind(b"\n", 0, scanned) + 1, max(0, scanned - 8))
                    if marker.search(bytes(buf[since:])):
                        first = now - start
                    scanned = len(buf)
                if every and name == watch:
                    end = buf.rfind(b"\n") + 1
                    stamps += [now - start for line in bytes(buf[line_start:end]).splitlines() if marker.search(line)]
                    line_start = max(line_start, end)
        # wait4 rather than wait: the rusage of GNU time and the run it waited for, in microseconds.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        reaped = time.monotonic()
    finally:
        selector.close()
        if master is not None:
            os.close(master)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        _children.remove(child)
        with open(timefile) as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
        os.unlink(timefile)
    elapsed = time.monotonic() - start
    wall, user, system, rss_kb = lines[-1].split()
    return {
        "wall": float(wall), "cpu": float(user) + float(system), "user": float(user), "sys": float(system),
        # The same two figures finer than GNU time's 10 ms steps, for runs of tens of ms (the scale case); None
        # for a run that was killed.
        "clock_wall": reaped - start if usage else None,
        "rusage_cpu": usage.ru_utime + usage.ru_stime if usage else None,
        "rss_mb": int(rss_kb) * 1024 / 1e6, "first": first, "elapsed": elapsed, "rc": child.returncode,
        "stdout": bytes(data["stdout"]), "stderr": bytes(data["stderr"]), "stamps": stamps,
    }
