"""Helpers for tests that act like a terminal towards a process they start."""

from __future__ import annotations

import signal


def terminal_sigint() -> None:
    """A `preexec_fn`: SIGINT in the child as a terminal's foreground job has it. A test run started in the
    background by a non-interactive shell (`make test &`) ignores SIGINT, and every process it starts inherits
    that: a Ctrl-C a test sends would then do nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
