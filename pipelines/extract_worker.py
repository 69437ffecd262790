"""An extraction worker process: `python -m pipelines.extract_worker`, started by pipelines.parallel.

It reads requests from stdin and writes results to stdout, each a frame: a 4-byte big-endian length, then a
pickle. The first frame out, `(None, pid)`, says the worker has loaded everything and extracted a warm-up page.
A request is `(seq, html, url, encoding)`; its result is `(seq, Extraction.as_dict())`, or
`(seq, None, reason)` when the extraction itself failed in a way extract_page does not catch (MemoryError, a
pickling problem): the crawl process then extracts that page itself. Results come back in request order.

The worker imports pipelines.extract and nothing of Scrapy or the catalog (~75 MB against ~100 MB for a
multiprocessing worker that unpickles a pipeline). It ends when stdin reaches its end: the crawl process closed
it, or died (even by kill -9), so a worker never outlives its crawl. SIGINT is ignored: Ctrl-C on a terminal
reaches the whole process group, and the crawl process, which stops gracefully, still needs the worker for the
pages in flight.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None  # type: ignore[assignment]

from pipelines.extract import extract_page

__all__ = ["HEADER", "frame", "main", "read_frame", "write_frame"]

HEADER = 4  # bytes of the big-endian frame length

# A small program page extracted once at start, so the gazetteer, compiled patterns and lazy imports are loaded
# before the first real page rather than while the crawl waits for it.
_WARM_UP_PAGE = (
    "<html><head><title>Nursing Placement in Moshi, Tanzania</title></head><body><main><h1>Nursing Placement"
    "</h1><p>Work on the wards of a hospital in Moshi, Tanzania, supervised by registered nurses.</p>"
    "<p>2 to 8 weeks from $450 per week; registration fee $250.</p></main></body></html>"
)


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's payload, or None at the end of the stream."""
    header = stream.read(HEADER)
    if len(header) < HEADER:
        return None
    size = int.from_bytes(header, "big")
    payload = stream.read(size)
    return payload if len(payload) == size else None


def frame(payload: bytes) -> bytes:
    """`payload` with its length in front: what goes over the pipe, either way."""
    return len(payload).to_bytes(HEADER, "big") + payload


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(frame(payload))
    stream.flush()


def serve(requests: BinaryIO, results: BinaryIO) -> int:
    """Answer requests until the end of `requests`; return how many were answered."""
    answered = 0
    while (payload := read_frame(requests)) is not None:
        seq, html, url, encoding = pickle.loads(payload)  # noqa: S301 - our own crawl process's pipe
        try:
            result: tuple[object, ...] = (seq, extract_page(html, url, encoding).as_dict())
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the crawl process extracts this page itself
            data = pickle.dumps((seq, None, f"{type(exc).__name__}: {exc}"), protocol=pickle.HIGHEST_PROTOCOL)
        write_frame(results, data)
        answered += 1
    return answered


# Pipe capacity asked for (Linux: F_SETPIPE_SZ; 1 MB is the unprivileged maximum). The default 64 KB holds less
# than one program page, so the worker would finish a page and then wait, mid-way through reading the next, for
# the crawl's busy event loop to write the rest: measured, that idled the worker enough to cost a quarter of the
# crawl's pages/s. With room for ~15 pages the next ones are always there.
_PIPE_SIZE = 1 << 20


def _widen_pipes(*fds: int) -> None:
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setpipe is None:
        return
    for fd in fds:
        # Above /proc/sys/fs/pipe-max-size, or not a pipe (run by hand): the default will do.
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setpipe, _PIPE_SIZE)


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _widen_pipes(0, 1)
    # The results go to a private copy of stdout; fd 1 and sys.stdout then point at stderr, so that nothing a
    # library prints can corrupt the frames.
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    extract_page(_WARM_UP_PAGE, "https://warm-up.invalid/p.html")
    try:
        write_frame(results, pickle.dumps((None, os.getpid())))  # ready
        serve(sys.stdin.buffer, results)
    except BrokenPipeError:  # the crawl process is gone: nobody is waiting for results
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
