"""The composition root: builds the knowledge base, gate, LLMs, planner, writer and service from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from nmo.config import Role, Settings
from nmo.prompts import PromptLibrary
from nmo.telemetry import disable_telemetry

if TYPE_CHECKING:
    from collections.abc import Callable

    from nmo.analyst.models import Insights
    from nmo.checks.proofreader import Proofreading
    from nmo.graph import WorkflowContext
    from nmo.llm import OpenAIStructuredLLM
    from nmo.ports import Gate, KnowledgeBase
    from nmo.service import WorkflowService


def build_llm(settings: Settings, role: Role) -> OpenAIStructuredLLM | None:
    """The role's LLM, or None when the offline composer answers."""
    if not settings.uses_llm:
        return None
    from nmo.llm import OpenAIStructuredLLM

    return OpenAIStructuredLLM(settings.llm_target(role), role)


def build_knowledge(settings: Settings) -> KnowledgeBase:
    """The configured knowledge base (embedded Chroma, or a Chroma server when NMO_CHROMA_URL is set)."""
    from nmo.knowledge import open_knowledge_base

    return open_knowledge_base(settings)


def build_gate(settings: Settings) -> Gate:
    """The deterministic gate with the brand's and the user's lexicons."""
    from nmo.checks import build_gate as build

    gate: Gate = build(settings)
    return gate


def build_context(settings: Settings, prompts: PromptLibrary | None = None) -> WorkflowContext:
    """Everything the graph's nodes need, built once per process."""
    from nmo.graph import WorkflowContext
    from nmo.planner import KnowledgePlanner
    from nmo.writer import KnowledgeWriter

    prompts = prompts or PromptLibrary.load(settings.prompts_dir)
    kb = build_knowledge(settings)
    planner_llm = build_llm(settings, "planner")
    writer_llm = build_llm(settings, "writer")
    proofreader_llm = build_llm(settings, "proofreader")
    return WorkflowContext(
        planner=KnowledgePlanner(kb, planner_llm, prompts, clock=settings.clock, insights_loader=_insights(settings),
                                 k=settings.retrieval_k),
        writer=KnowledgeWriter(kb, writer_llm, prompts, k=settings.retrieval_k, clock=settings.clock),
        gate=build_gate(settings),
        max_revisions=settings.max_revisions,
        proofreader=_proofreader(proofreader_llm, prompts) if settings.llm_proofreader else None,
        knowledge=kb,
    )


def _proofreader(llm: OpenAIStructuredLLM | None, prompts: PromptLibrary) -> Callable[[str], Proofreading] | None:
    """The optional LLM proofreader pass, adding findings on top of the deterministic gate."""
    if llm is None:
        return None
    from nmo.checks.proofreader import llm_findings

    return lambda text: llm_findings(text, llm, prompts)


def _insights(settings: Settings) -> Callable[[], Insights | None] | None:
    """A loader for the analyst's latest insights, when the analyst is installed."""
    try:
        from nmo.analyst import latest_insights
    except ImportError:
        return None
    return lambda: latest_insights(settings)


class GraphOnDemand:
    """The compiled workflow graph, opened (checkpointer, langgraph import) on first use.

    Listing or showing drafts reads only the registry, so a CLI read should not pay for langgraph's import.
    Single-threaded use only: the CLI, not the web app.
    """

    def __init__(self, settings: Settings, resources: ExitStack) -> None:
        self._settings = settings
        self._resources = resources
        self._graph: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._graph is None:
            from nmo.checkpoints import open_checkpointer
            from nmo.graph import compile_graph

            self._graph = compile_graph(self._resources.enter_context(open_checkpointer(self._settings)))
        return getattr(self._graph, name)


def brand_files_version(settings: Settings) -> tuple[tuple[str, int, int], ...]:
    """What the brand's profile, corrections and word lists are on disk now (names, sizes, times)."""
    seen: list[tuple[str, int, int]] = []
    for folder in (settings.brand_path, settings.brand_path / "lexicons", settings.home / "lexicons"):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            try:
                stat = path.stat()
            except FileNotFoundError:  # replaced while we looked: the next look sees the new one
                continue
            seen.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(seen)


@contextmanager
def open_service(settings: Settings, *, graph_on_demand: bool = False) -> Iterator[WorkflowService]:
    """The workflow service over the configured checkpointer; prompts are validated up front.

    graph_on_demand opens the checkpointer and graph only when a run or decision needs them (CLI reads).
    """
    disable_telemetry()
    from nmo.audit import AuditLog
    from nmo.registry import Registry
    from nmo.service import WorkflowService
    from nmo.users import desk_db_path

    prompts = PromptLibrary.load(settings.prompts_dir)
    with ExitStack() as resources:
        graph: Any = GraphOnDemand(settings, resources)
        if not graph_on_demand:
            from nmo.checkpoints import open_checkpointer
            from nmo.graph import compile_graph

            graph = compile_graph(resources.enter_context(open_checkpointer(settings)))
        service = WorkflowService(
            graph,
            Registry(settings.registry_path),
            lambda: build_context(settings, prompts),
            settings.home / "locks",
            four_eyes=settings.four_eyes,
            clock=settings.clock,
            brand_version=lambda: brand_files_version(settings),
        )
        audit = AuditLog(desk_db_path(settings.home))
        audit.attach(service)  # CLI and web decisions land in one log
        # A process killed mid-decision left the registry or the log behind the checkpoint: repair both.
        service.reconcile()
        audit.reconcile(service)
        yield service
