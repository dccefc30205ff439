"""Embeddings from an OpenAI-compatible endpoint: a fake server on 127.0.0.1 stands in for the real API."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from nmo.config import Settings
from nmo.errors import KnowledgeError
from nmo.knowledge import open_knowledge_base

DIMENSIONS = 64


def fake_vector(text: str) -> list[float]:
    """Bag of characters hashed into 64 buckets: texts sharing characters point the same way."""
    vector = [0.0] * DIMENSIONS
    for char in text:
        vector[hashlib.md5(char.encode()).digest()[0] % DIMENSIONS] += 1.0
    return vector


class EmbeddingsHandler(BaseHTTPRequestHandler):
    calls: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        EmbeddingsHandler.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        payload = {
            "object": "list",
            "model": body["model"],
            "data": [{"object": "embedding", "index": i, "embedding": fake_vector(t)} for i, t in enumerate(inputs)],
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture()
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EmbeddingsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    EmbeddingsHandler.calls.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_ingest_and_search_through_an_openai_compatible_endpoint(endpoint: str, tmp_path: Path) -> None:
    folder = tmp_path / "kb" / "brand"
    folder.mkdir(parents=True)
    (folder / "faq.md").write_text(
        "# 常见问题\n\n## 保质期\n\n未开封保质期 18 个月。\n\n## 发货\n\n杭州仓发货。", encoding="utf-8"
    )
    settings = Settings(
        home=tmp_path / "home",
        chroma_url=None,
        embedding="openai",
        embedding_model="bge-m3",
        embedding_base_url=endpoint,
        embedding_api_key="sk-test",
        retrieval_mode="auto",
    )
    kb = open_knowledge_base(settings)
    assert kb.collection_name == "nmo-default--openai-bge-m3" and kb.retrieval_mode == "hybrid"
    report = kb.ingest([tmp_path / "kb"])
    assert report.chunks_embedded == 2
    assert EmbeddingsHandler.calls[0]["path"] == "/v1/embeddings"
    assert EmbeddingsHandler.calls[0]["auth"] == "Bearer sk-test" and EmbeddingsHandler.calls[0]["model"] == "bge-m3"
    top = kb.search("保质期多久", k=1, mode="dense")[0]
    assert top.heading == "常见问题 > 保质期"


def test_an_unreachable_endpoint_is_a_knowledge_error_with_a_fix(tmp_path: Path) -> None:
    (tmp_path / "kb" / "brand").mkdir(parents=True)
    (tmp_path / "kb" / "brand" / "a.md").write_text("# 标题\n\n正文", encoding="utf-8")
    settings = Settings(
        home=tmp_path / "home",
        chroma_url=None,
        embedding="openai",
        embedding_base_url="http://127.0.0.1:9/v1",
        embedding_api_key="x",
        llm_max_retries=0,
    )
    with pytest.raises(KnowledgeError) as caught:
        open_knowledge_base(settings).ingest([tmp_path / "kb"])
    assert "NMO_EMBEDDING_BASE_URL" in caught.value.fix
