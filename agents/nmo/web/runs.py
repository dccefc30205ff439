"""Background runs for the operator page: each submitted request runs in a worker thread and keeps its
progress events so any number of server-sent-event streams (including late ones) can replay and follow them.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from nmo.desk import RequestView, progress_event
from nmo.errors import NmoError
from nmo.platforms import platform_table
from nmo.service import RunOutcome

logger = logging.getLogger(__name__)
KEEPALIVE_S = 15.0
MAX_RUNS_KEPT = 200


class Run:
    """One request's progress: an append-only list of events and whether the run has ended."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self.events: list[dict[str, Any]] = []
        self.finished = False
        self._branches: dict[str, int] = {}
        self._changed = threading.Condition()

    def push(self, event: dict[str, Any]) -> None:
        """Add an event and wake the streams following this run."""
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def on_progress(self, namespace: str, node: str, update: dict[str, Any]) -> None:
        """The service's progress callback; each draft branch gets a number, in order of first appearance."""
        if node == "__interrupt__" and not namespace:
            return  # the request level repeats every branch's interrupt
        event = progress_event(namespace, node, update)
        if namespace:
            branch = namespace.split("/")[0]
            event["branch"] = self._branches.setdefault(branch, len(self._branches) + 1)
        self.push(event)

    def finish(self, event: dict[str, Any]) -> None:
        """Add the closing event (done or error) and end every stream."""
        with self._changed:
            self.events.append(event)
            self.finished = True
            self._changed.notify_all()

    def follow(self) -> Iterator[dict[str, Any] | None]:
        """Every event from the first, then new ones as they come; None means 'nothing new yet' (keepalive)."""
        seen = 0
        while True:
            with self._changed:
                if seen == len(self.events) and not self.finished:
                    self._changed.wait(KEEPALIVE_S)
                fresh, seen = self.events[seen:], len(self.events)
                finished = self.finished and seen == len(self.events)
            if not fresh and not finished:
                yield None
            yield from fresh
            if finished:
                return


def sse(event: dict[str, Any] | None) -> str:
    """One server-sent event (or a comment line as keepalive)."""
    if event is None:
        return ": keepalive\n\n"
    return f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False, default=str)}\n\n"


def platform_name(key: str) -> str:
    """The platform's Chinese name (公众号, 小红书 …), or the key when unknown."""
    spec = platform_table().platforms.get(key)
    return spec.name if spec else key


def _draft_line(draft_id: str, platform: str, topic: str, status: str) -> dict[str, str]:
    return {"id": draft_id, "platform": platform, "platform_name": platform_name(platform), "topic": topic,
            "status": status}


def outcome_event(outcome: RunOutcome) -> dict[str, Any]:
    """The closing event of a run that finished: its status and drafts."""
    return {
        "type": "done", "request_id": outcome.request_id, "status": outcome.status,
        "plan_id": outcome.plan.id if outcome.plan else None,
        "drafts": [_draft_line(d.draft_id, d.platform, d.topic, d.status) for d in outcome.drafts],
    }


def standing_event(view: RequestView) -> dict[str, Any]:
    """For a run this server did not start (CLI, another worker): where the request stands now."""
    return {
        "type": "done", "request_id": view.request.id, "status": view.request.status, "plan_id": None,
        "drafts": [_draft_line(d.id, d.platform, d.topic, d.status) for d in view.drafts],
    }


def error_event(error: NmoError) -> dict[str, Any]:
    """The closing event of a run that failed, with what to do next (in English and Chinese)."""
    zh_problem, zh_fix = error.in_chinese()
    return {"type": "error", "problem": error.problem, "fix": error.fix, "zh_problem": zh_problem, "zh_fix": zh_fix}


class RunBoard:
    """The runs this server started, by request ID."""

    def __init__(self) -> None:
        self._runs: dict[str, Run] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self, request_id: str, work: Callable[[Run], RunOutcome]) -> Run:
        """Run `work` in a worker thread, recording its progress and its end."""
        run = Run(request_id)
        with self._lock:
            if len(self._runs) >= MAX_RUNS_KEPT:
                done = [key for key, r in self._runs.items() if r.finished]
                for key in done[: len(done) // 2 + 1]:
                    del self._runs[key]
            self._runs[request_id] = run
            self._threads = [t for t in self._threads if t.is_alive()]

        def target() -> None:
            try:
                run.finish(outcome_event(work(run)))
            except NmoError as error:
                run.finish(error_event(error))
            except Exception as error:  # the thread boundary: log it, never leave a stream hanging
                logger.exception("run %s failed", request_id)
                run.finish(error_event(NmoError(f"The run stopped unexpectedly: {type(error).__name__}.",
                                                "See the server log, then resume the request.",
                                                zh_problem="运行意外中止。",
                                                zh_fix="请管理员查看服务器日志，之后可以继续这个请求。")))

        thread = threading.Thread(target=target, name=f"nmo-run-{request_id}", daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()
        return run

    def get(self, request_id: str) -> Run | None:
        """A run started by this server, if any."""
        with self._lock:
            return self._runs.get(request_id)

    def wait_all(self, timeout_s: float = 30.0) -> None:
        """Let running requests reach a checkpoint before the service closes (server shutdown)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout_s)
