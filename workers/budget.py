"""A page's budget: bytes, elements and CPU seconds, so that one page fails alone.

A 5.8 MB page of 200,000 `<p>` elements kept lxml and trafilatura busy past the
job's timeout, and the whole job of 16 pages failed with it. Each page now has its
own budget: its size in bytes, its element count (counted only when a fast count
of `<` says it could be over), and the CPU seconds its extraction and
normalization may take (a profiling timer, SIGPROF, which leaves the job
timeout's SIGALRM alone). A page over budget is recorded as `too_large` with the
stage and the cause; the job goes on with its other pages.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Budget:
    max_bytes: int | None = None
    max_elements: int | None = None
    cpu_seconds: float | None = None


class OverBudget(BaseException):
    """A page needs more than its budget allows; the message says what. A
    BaseException, like KeyboardInterrupt: the libraries' `except Exception`
    must not swallow it mid-extraction."""


def check_elements(body: bytes, tree: Any, max_elements: int | None) -> None:
    """Raise OverBudget when the parsed page holds more elements than allowed."""
    if max_elements is None or body.count(b"<") <= max_elements:
        return  # every element opens with a "<": it cannot be over
    count = sum(1 for _ in tree.iter())
    if count > max_elements:
        raise OverBudget(f"{count} elements > {max_elements}")


@contextmanager
def cpu_limit(seconds: float | None) -> Iterator[None]:
    """Raise OverBudget in this block once it has used `seconds` of CPU (main
    thread only: elsewhere a signal cannot be delivered, and nothing is limited)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def over(_signum: int, _frame: Any) -> None:
        raise OverBudget(f"more than {seconds:g} s of CPU")

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    started = time.process_time()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    # a signal that landed in a finalizer is lost ("Exception ignored"): the
    # budget still holds
    if time.process_time() - started > seconds:
        raise OverBudget(f"more than {seconds:g} s of CPU")
