"""Real terminals on a private Xvfb display for the text section: kitty (which draws block glyphs itself) and xterm
with DejaVu Sans Mono (whose glyphs come from the font), both with xterm's 16 colours, and their screenshots."""

import os
import re
import subprocess
import time

import numpy as np

XTERM16 = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
           "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]
TERMINALS = ("kitty", "xterm")
SETTLE_SECONDS = 60  # a terminal whose screenshot has not stopped changing by then is a failed run
PPM_HEADER = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s")


def ppm_pixels(data):
    """The height × width × 3 array of a binary PPM with maxval 255."""
    fields = PPM_HEADER.match(data)
    width, height = int(fields.group(1)), int(fields.group(2))
    return np.frombuffer(data[fields.end():fields.end() + width * height * 3], np.uint8).reshape(height, width, 3)


class Display:
    """A private Xvfb display, large enough for three renderers by three colour depths of the largest box."""

    def __init__(self):
        read, write = os.pipe()
        self.server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "3400x2100x24",
                                        "-nolisten", "tcp"], pass_fds=[write], stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.name = ":" + f.readline().strip()

    def close(self):
        self.server.terminate()
        self.server.wait()


def terminal_argv(program, title, columns, rows, command):
    if program == "kitty":
        options = ["font_family=DejaVu Sans Mono", "font_size=10", f"initial_window_width={columns}c",
                   f"initial_window_height={rows}c", "remember_window_size=no", "window_padding_width=0",
                   "placement_strategy=top-left", "background=#000000", "foreground=#ffffff",
                   "cursor_blink_interval=0", "enable_audio_bell=no", "confirm_os_window_close=0",
                   "update_check_interval=0"] + [f"color{i}={c}" for i, c in enumerate(XTERM16)]
        return ["kitty", "--config", "NONE", "-T", title] + [a for o in options for a in ("-o", o)] + \
            ["/bin/sh", "-c", command]
    return ["xterm", "-fa", "DejaVu Sans Mono", "-fs", "10", "-T", title, "-bg", "black", "-fg", "white", "-b", "0",
            "-bw", "0", "-geometry", f"{columns}x{rows}+0+0", "-xrm", "XTerm*allowTitleOps: false",
            "-e", "/bin/sh", "-c", command]


def screenshot(display, title):
    xwd = subprocess.run(["xwd", "-display", display, "-name", title, "-nobdrs", "-silent"], capture_output=True)
    if xwd.returncode != 0 or not xwd.stdout:
        return None
    ppm = subprocess.run(["convert", "xwd:-", "-strip", "ppm:-"], input=xwd.stdout, capture_output=True,
                         check=True).stdout
    return ppm_pixels(ppm)


def show(display, program, columns, rows, drawing, work):
    """Runs the terminal on `drawing` and returns its settled screenshot and the cell size in pixels."""
    path = os.path.join(work, "drawing.bin")
    with open(path, "wb") as f:
        f.write(b"\x1b[?25l\x1b[2J" + drawing)
    title = f"fidelity-{program}-{os.getpid()}-{time.monotonic_ns()}"
    env = dict(PATH=os.environ["PATH"], HOME=os.environ.get("HOME", "/tmp"), LANG="C.UTF-8", DISPLAY=display,
               LIBGL_ALWAYS_SOFTWARE="1")
    child = subprocess.Popen(terminal_argv(program, title, columns, rows, f"cat '{path}'; sleep 600"), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        previous, deadline = None, time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(1.5)
            shot = screenshot(display, title)
            if shot is not None and previous is not None and shot.shape == previous.shape and \
                    np.array_equal(shot, previous):
                return shot, (shot.shape[1] // columns, shot.shape[0] // rows)
            previous = shot
        raise RuntimeError(f"{program} did not settle within {SETTLE_SECONDS} s")
    finally:
        child.terminate()
        child.wait()
