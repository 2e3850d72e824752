"""Helper processes die with the process that started them.

A reader process parsing the next volume, or pandoc rendering citations, must not outlive an
import that was killed (``kill -9`` leaves no chance to clean up): on Linux the kernel sends
them SIGKILL when their parent dies (``PR_SET_PDEATHSIG``). Elsewhere this does nothing."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Ask the kernel to kill this process when its parent dies. ``parent`` is the pid it was
    started by: if that one is already gone (it died before this call), exit at once."""
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    if name is None:
        return
    libc = ctypes.CDLL(name, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
