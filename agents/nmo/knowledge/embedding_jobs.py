"""Embedding in the background: the caller submits batches as it produces them and reads vectors in order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Vectors = NDArray[np.float32]

Embed = Callable[[Sequence[str]], "Vectors"]


def available_cores() -> int:
    """CPU cores this process may run on (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class EmbeddingJob:
    """Batches embedded by an executor while the caller does other work: an ingest submits batches while
    it reads files, then tokenises and stores each batch as its vectors arrive. Iterate for the vectors
    of every submitted batch, in order; leaving the `with` block cancels what was not started and stops
    the executor.

    With `here` set, the calling process helps instead of waiting: when the batch it needs next is not
    ready, it takes the last batch no worker has started and embeds it itself. One worker process fewer
    than there are cores then keeps every core busy without the processes crowding each other. If a
    worker process dies (killed, out of memory), `here` embeds what it left.
    """

    def __init__(self, executor: Executor, embed: Embed, *, here: Embed | None = None) -> None:
        self._executor = executor
        self._embed = embed
        self._here = here
        self._batches: list[Sequence[str]] = []
        self._futures: list[Future[Vectors]] = []
        self._done_here: dict[int, Vectors] = {}
        self.fell_back = False

    @classmethod
    def on_a_thread(cls, embed: Embed) -> EmbeddingJob:
        """Batches embedded one after another on one background thread."""
        return cls(ThreadPoolExecutor(1, thread_name_prefix="nmo-embed"), embed)

    def submit(self, texts: Sequence[str]) -> None:
        """Queue one batch."""
        self._batches.append(texts)
        try:
            future = self._executor.submit(self._embed, list(texts))
        except BrokenProcessPool as error:
            if self._here is None:
                raise
            future = Future()
            future.set_exception(error)
        self._futures.append(future)

    def __iter__(self) -> Iterator[Vectors]:
        for index, future in enumerate(self._futures):
            while self._here is not None and index not in self._done_here and not future.done():
                if not self._help(after=index):
                    break
            if index in self._done_here:
                yield self._done_here.pop(index)
                continue
            try:
                yield future.result()
            except BrokenProcessPool:
                if self._here is None:
                    raise
                self.fell_back = True
                yield self._here(self._batches[index])

    def _help(self, after: int) -> bool:
        """Embed the last batch that no worker has started; False when there is none."""
        assert self._here is not None
        for index in range(len(self._futures) - 1, after - 1, -1):
            if index not in self._done_here and self._futures[index].cancel():
                self._done_here[index] = self._here(self._batches[index])
                return True
        return False

    def close(self) -> None:
        """Cancel batches not yet started and stop the executor."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> EmbeddingJob:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
