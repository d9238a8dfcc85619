"""Fork: work done beside a build by a copy of its process, which starts with everything loaded."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.process import BaseProcess


def can_fork() -> bool:
    """Whether a copy would help, and can be made: there is a second core, and processes fork."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def start_copy(work, *args) -> BaseProcess | None:
    """work(*args) in a forked copy of this process; None where can_fork() is false. Only for a
    build that runs no other threads holding locks (`build`, not the server of `serve`). The copy
    reports nothing: what goes wrong there goes wrong again in the build, which does the work
    itself when the copy has not."""
    if not can_fork():
        return None
    copy = multiprocessing.get_context("fork").Process(target=quietly, args=(work, *args), daemon=True)
    copy.start()
    return copy


def quietly(work, *args) -> None:
    try:
        work(*args)
    except BaseException:
        os._exit(1)


class Stop:
    """What a copy asks between two pieces of work: whether the build asked it to stop, or is gone
    (a killed build leaves no copy working on, and holding its locks). Made before the fork."""

    def __init__(self) -> None:
        self.event, self.parent = multiprocessing.get_context("fork").Event(), os.getpid()

    def set(self) -> None:
        self.event.set()

    def asked(self) -> bool:
        return self.event.is_set() or os.getppid() != self.parent
