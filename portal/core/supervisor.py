"""Runs a few long-lived child processes as one unit: Ctrl-C or SIGTERM stops them all, one dying stops the rest.

Each child gets its own session (process group), so a terminal's Ctrl-C reaches the children only through us,
exactly once, and a child's own helpers (Celery's pool processes, its embedded beat) can be swept up with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import TextIO

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to TERM it if the supervisor itself is killed (even by SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None


@dataclass
class Supervisor:
    out: TextIO = sys.stdout
    stop_timeout: float = 20.0
    children: list[Child] = field(default_factory=list)
    stop_requested: int | None = None  # the signal that asked us to stop

    # --- starting -------------------------------------------------------------------------------------------
    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None,
              cwd: str | None = None) -> Child:
        process = subprocess.Popen(  # noqa: S603  (our own argv, never a shell)
            list(argv),
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        child = Child(name, process)
        self.children.append(child)
        self.say(f"started {name} (pid {process.pid}): {' '.join(argv)}")
        return child

    def say(self, message: str) -> None:
        print(f"[run_stack] {message}", file=self.out, flush=True)

    # --- signals --------------------------------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_requested is not None:
            # A second Ctrl-C: the user is not waiting for a graceful stop any more.
            self.say("stopping now")
            self._kill_groups(signal.SIGKILL)
            return
        self.stop_requested = signum

    # --- watching -------------------------------------------------------------------------------------------
    def watch(self, tick: Callable[[], None] | None = None, interval: float = 0.25) -> int:
        """Wait until a signal asks us to stop (exit 0) or a child exits on its own (exit non-zero)."""
        while True:
            if self.stop_requested is not None:
                self.say(f"received {signal.Signals(self.stop_requested).name}: stopping everything")
                self.stop_all()
                return 0
            for child in self.children:
                code = child.process.poll()
                if code is not None:
                    self.say(f"{child.name} exited with code {code}: stopping the others")
                    self.stop_all()
                    return code or 1
            if tick is not None:
                tick()
            time.sleep(interval)

    # --- stopping -------------------------------------------------------------------------------------------
    def stop_all(self) -> None:
        """Stop the children in reverse start order (the web before the worker, the worker before the sandboxes it
        may be syncing with), all within ``stop_timeout``; KILL what is left and sweep each child's process group."""
        deadline = time.monotonic() + self.stop_timeout
        for child in reversed(self.children):
            if child.running():
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
            try:
                # Whatever the ones before used up, each child gets a couple of seconds of its own.
                child.process.wait(timeout=max(2.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop in time: killing it")
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGKILL)
        self._kill_groups(signal.SIGKILL)
        for child in reversed(self.children):
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=5)
            self.say(f"{child.name} stopped (code {child.process.returncode})")

    def _kill_groups(self, signum: int) -> None:
        # Each child leads its own process group (start_new_session), so its group id is its pid.
        for child in self.children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signum)
