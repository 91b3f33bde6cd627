"""all-MiniLM-L6-v2 on ONNX Runtime: exported once from the bundled weights, cached, checked, then used.

Why: a query embedding on ONNX Runtime costs a few milliseconds and needs neither torch nor
sentence-transformers to be imported (together ≈ 8 s of start-up). The model is exported here, with
no network, from the same weights sentence-transformers loads, with mean pooling and L2
normalisation inside the graph, and kept only if it reproduces the sentence-transformers output
(cosine ≥ :data:`MIN_COSINE` on every probe text).

The cache is one folder per user (:func:`parisqa.embed.model.model_cache_dir`), shared by every index,
holding plain files, one folder per weights hash::

    <cache>/weights.json   the weights file's stat and hash, so a process need not re-hash it
    <cache>/onnx-<weights sha256[:16]>/
        model.onnx     the exported graph
        meta.json      weights hash, ONNX file hash and size, exporter versions, and the
                       sentence-transformers vectors of the probe texts
        model.int8.onnx, int8.json
                       the ``minilm-int8`` model: ``model.onnx`` with its weight matrices quantised
                       to int8 per channel (made on first use, see :func:`load_int8`), its hash and
                       its lowest cosine to the reference on the probe texts

Loading checks the weights hash, the ONNX file's size and sha256, and re-embeds two probe texts
against the stored reference vectors, so a damaged or foreign file is never used. Writes go to a
temporary name first and are renamed into place, so concurrent processes never see half a file.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import file_digest

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .model import ModelInfo

CACHE_FORMAT = 1
MODEL_FILE = "model.onnx"
META_FILE = "meta.json"
OPSET = 17
MIN_COSINE = 0.9999
INT8_FILE = "model.int8.onnx"
INT8_META = "int8.json"
# int8 weights move the vectors: measured 0.987 lowest and 0.994 mean cosine to fp32 on 160 chunk texts
# (per-channel QInt8 on the weight MatMuls only; per-tensor QInt8 on every MatMul gave 0.93 lowest);
# the probe texts (CJK, emoji, code, an empty string) go lower: 0.979.
MIN_COSINE_INT8 = 0.97
# Probe texts: short and long (past the 256 word-piece cut), accents, CJK, emoji, code, an empty
# string, so truncation, padding, normalisation and pooling are all exercised in one padded batch.
PROBES = (
    "Why is ethical AI important?",
    "Station F in Paris is the world's largest startup campus, home to more than a thousand startups.",
    "École polytechnique, Zürich, São Paulo — naïve façade; 東京の人工知能 🚀",
    "def encode(texts):\n    return [t.lower() for t in texts if t]  # code, too",
    "",
    " ".join(["The quick brown fox jumps over the lazy dog near the river bank."] * 40),
)
# Re-embedded at every load: cheap, and enough to catch a model file that runs but computes wrong.
LOAD_PROBES = 2


class OnnxUnavailable(Exception):
    """The ONNX path cannot be used here; the caller falls back to torch. The message says why."""


def cache_folder(cache_dir: Path, weights_sha256: str) -> Path:
    return Path(cache_dir) / f"onnx-{weights_sha256[:16]}"


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("onnxruntime", "torch", "transformers", "sentence-transformers"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = ""
    return out


@dataclass
class OnnxEncoder:
    """An ONNX Runtime session plus the model's own tokenizer, mirroring sentence-transformers."""

    session: Any
    tokenizer: Any
    dimension: int

    @classmethod
    def from_file(
        cls, model: Path, folder: Path, max_seq_length: int, dimension: int, threads: int | None = None
    ) -> OnnxEncoder:
        try:
            import onnxruntime as ort
            import tokenizers
        except ImportError as exc:
            raise OnnxUnavailable(f"{exc.name} is not installed") from None
        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only: the optimiser's notices are not for users
        if threads:
            # One session per Ray actor: each keeps to the CPUs Ray reserved for it instead of every core.
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        tokenizer = tokenizers.Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        # tokenizer.json ships with truncation and fixed padding at 128; sentence-transformers cuts at
        # max_seq_length (256) and pads each batch to its longest text.
        tokenizer.enable_truncation(max_length=max_seq_length)
        pad_id = tokenizer.token_to_id("[PAD]")
        tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
        return cls(session, tokenizer, dimension)

    def run(self, texts: list[str]) -> np.ndarray:
        """Embed one batch (padded to its longest text)."""
        import numpy as np

        encoded = self.tokenizer.encode_batch(texts, add_special_tokens=True)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, feeds)[0]

    def encode(self, texts: list[str], batch_size: int, progress: Any = None) -> np.ndarray:
        """Embed ``texts`` in batches of similar length, like sentence-transformers does."""
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self.run([texts[i] for i in rows])
            if progress is not None:
                progress.update(len(rows))
        return out


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)


# An export takes seconds; a working folder this old was left by a process that was killed.
STALE_EXPORT_SECONDS = 3600


def remove_stale_exports(cache_dir: Path, now: float | None = None) -> None:
    """Delete ``.export-*`` working folders (about 90 MB each) that killed exports left behind."""
    now = time.time() if now is None else now
    for leftover in Path(cache_dir).glob(".export-*"):
        try:
            if now - leftover.stat().st_mtime > STALE_EXPORT_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass


def load(cache_dir: Path, info: ModelInfo, folder: Path, threads: int | None = None) -> OnnxEncoder:
    """The cached ONNX model for these weights, checked before use.

    Raises:
        OnnxUnavailable: no cache, a damaged or mismatched one, or onnxruntime missing.
    """
    import numpy as np

    where = cache_folder(cache_dir, info.weights_sha256)
    try:
        meta = json.loads((where / META_FILE).read_bytes())
        size, digest = file_digest(where / MODEL_FILE)
    except FileNotFoundError:
        raise OnnxUnavailable(f"no exported model in '{where}'") from None
    except (OSError, ValueError) as exc:
        raise OnnxUnavailable(f"cannot read '{where}': {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT:
        raise OnnxUnavailable(f"'{where / META_FILE}' has an unknown format")
    if meta.get("weights_sha256") != info.weights_sha256:
        raise OnnxUnavailable(f"'{where}' was exported from other weights")
    if size != meta.get("onnx_size") or digest != meta.get("onnx_sha256"):
        raise OnnxUnavailable(f"'{where / MODEL_FILE}' does not match its recorded hash")
    # Only our own export replaces this file, atomically and with a checked model, so reading it
    # again by path is safe; it spares holding a 90 MB copy while onnxruntime builds its own.
    try:
        encoder = OnnxEncoder.from_file(where / MODEL_FILE, folder, info.max_seq_length, info.dimension, threads)
    except OnnxUnavailable:
        raise
    except Exception as exc:  # onnxruntime's own errors (e.g. the file replaced by a concurrent export)
        raise OnnxUnavailable(f"cannot load '{where / MODEL_FILE}': {type(exc).__name__}: {exc}") from None
    try:
        texts = list(meta["reference"]["texts"][:LOAD_PROBES])
        reference = np.asarray(meta["reference"]["vectors"][:LOAD_PROBES], dtype=np.float32)
        got = encoder.run(texts)
    except (KeyError, TypeError, ValueError) as exc:
        raise OnnxUnavailable(f"'{where}' cannot be checked: {exc}") from None
    if got.shape != reference.shape or float(_cosines(got, reference).min()) < MIN_COSINE:
        raise OnnxUnavailable(f"'{where / MODEL_FILE}' does not reproduce the reference embeddings")
    return encoder


def export(st_model: Any, cache_dir: Path, info: ModelInfo, folder: Path) -> tuple[OnnxEncoder, float]:
    """Export the loaded sentence-transformers model to ONNX, check it, and cache it.

    Args:
        st_model: the loaded ``SentenceTransformer`` (the reference the export must reproduce).
        cache_dir: where the cache folder goes.
        info: the model's description (weights hash, sequence length, dimension).
        folder: the bundled model folder (for ``tokenizer.json``).

    Returns:
        The ready encoder and the lowest cosine to sentence-transformers over the probe texts.

    Raises:
        OnnxUnavailable: export, check or write failed (nothing is left in the cache then).
    """
    import numpy as np

    try:
        import onnxruntime  # noqa: F401  (fail early, before the export's cost)
        import torch
    except ImportError as exc:
        raise OnnxUnavailable(f"{exc.name} is not installed") from None

    class Pooled(torch.nn.Module):
        """The transformer plus sentence-transformers' mean pooling and L2 normalisation."""

        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(summed, p=2, dim=1)

    where = cache_folder(cache_dir, info.weights_sha256)
    remove_stale_exports(cache_dir)
    tmp = Path(cache_dir) / f".export-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        tmp.mkdir(parents=True)
        module = Pooled(st_model[0].auto_model).eval()
        tokenizer = st_model.tokenizer
        # The example batch has padding, so no branch that skips the attention mask gets traced in.
        example = tokenizer(["a short one", "a longer example sentence, with more word pieces in it"], padding=True)
        args = tuple(
            torch.tensor(example[name]) if name in example else torch.zeros_like(torch.tensor(example["input_ids"]))
            for name in ("input_ids", "attention_mask", "token_type_ids")
        )
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            # The TorchScript exporter: it works offline with torch alone (the dynamo exporter
            # needs onnxscript), and BERT has no control flow it could miss.
            torch.onnx.export(
                module,
                args,
                str(tmp / MODEL_FILE),
                input_names=names,
                output_names=["sentence_embedding"],
                dynamic_axes={n: {0: "batch", 1: "sequence"} for n in names} | {"sentence_embedding": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
        encoder = OnnxEncoder.from_file(tmp / MODEL_FILE, folder, info.max_seq_length, info.dimension)
        reference = np.asarray(
            st_model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True), dtype=np.float32
        )
        batched = encoder.run(list(PROBES))
        single = np.concatenate([encoder.run([t]) for t in PROBES])
        worst = float(min(_cosines(batched, reference).min(), _cosines(single, reference).min()))
        if worst < MIN_COSINE:
            raise OnnxUnavailable(f"the exported model differs from sentence-transformers (cosine {worst:.6f})")
        meta = {
            "format": CACHE_FORMAT,
            "model": info.name,
            "weights_sha256": info.weights_sha256,
            "onnx_sha256": file_digest(tmp / MODEL_FILE)[1],
            "onnx_size": (tmp / MODEL_FILE).stat().st_size,
            "opset": OPSET,
            "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "versions": versions(),
            "min_cosine": worst,
            "reference": {"texts": list(PROBES), "vectors": reference.round(7).tolist()},
        }
        (tmp / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(where, ignore_errors=True)
        os.replace(tmp, where)
    except OnnxUnavailable:
        raise
    except Exception as exc:  # the exporter can fail in many ways; any of them means "use torch"
        raise OnnxUnavailable(f"ONNX export failed: {type(exc).__name__}: {exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return encoder, worst


def load_int8(cache_dir: Path, info: ModelInfo, folder: Path, threads: int | None = None) -> OnnxEncoder:
    """The int8 model of these weights: the cached one when it checks out, else quantised now from the
    fp32 export (which must be in the cache: :func:`load` or :func:`export` first).

    Only the weight matrices are quantised (per output channel, ``QInt8``, dynamic activations):
    the attention products, layer norms and pooling stay in float, which keeps the vectors close to
    fp32 (see :data:`MIN_COSINE_INT8`) at about 1.7x the fp32 speed on a CPU.

    Raises:
        OnnxUnavailable: no fp32 export, or the quantised model fails its check.
    """
    import numpy as np

    where = cache_folder(cache_dir, info.weights_sha256)
    try:
        meta = json.loads((where / META_FILE).read_bytes())
        texts = list(meta["reference"]["texts"])
        reference = np.asarray(meta["reference"]["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OnnxUnavailable(f"no fp32 export to quantise in '{where}': {exc}") from None
    try:
        stamp = json.loads((where / INT8_META).read_bytes())
        size, digest = file_digest(where / INT8_FILE)
        if stamp.get("onnx_sha256") == meta.get("onnx_sha256") and (size, digest) == (
            stamp.get("size"),
            stamp.get("sha256"),
        ):
            encoder = OnnxEncoder.from_file(where / INT8_FILE, folder, info.max_seq_length, info.dimension, threads)
            got = encoder.run(texts[:LOAD_PROBES])
            if float(_cosines(got, reference[:LOAD_PROBES]).min()) >= MIN_COSINE_INT8:
                return encoder
    except (OSError, ValueError, AttributeError):
        pass  # none yet, or damaged: quantise again
    return _quantize(where, info, folder, texts, reference, threads)


def _quantize(
    where: Path, info: ModelInfo, folder: Path, texts: list[str], reference: np.ndarray, threads: int | None
) -> OnnxEncoder:
    import logging

    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise OnnxUnavailable(f"{exc.name} is not installed") from None
    tmp = where / f".{INT8_FILE}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        graph = onnx.load(str(where / MODEL_FILE)).graph
        weights = {i.name for i in graph.initializer}
        nodes = [n.name for n in graph.node if n.op_type == "MatMul" and any(x in weights for x in n.input)]
        logging.disable(logging.WARNING)  # the quantiser's advice on pre-processing goes to the root logger
        try:
            quantize_dynamic(
                str(where / MODEL_FILE),
                str(tmp),
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
                nodes_to_quantize=nodes,
            )
        finally:
            logging.disable(logging.NOTSET)
        encoder = OnnxEncoder.from_file(tmp, folder, info.max_seq_length, info.dimension)
        worst = float(_cosines(encoder.run(texts), reference).min())
        if worst < MIN_COSINE_INT8:
            raise OnnxUnavailable(f"the int8 model is too far from fp32 (cosine {worst:.4f} < {MIN_COSINE_INT8})")
        size, digest = file_digest(tmp)
        fp32_digest = json.loads((where / META_FILE).read_bytes()).get("onnx_sha256")
        os.replace(tmp, where / INT8_FILE)
        stamp_tmp = where / f".{INT8_META}.{os.getpid()}.tmp"
        stamp_tmp.write_text(
            json.dumps({"onnx_sha256": fp32_digest, "size": size, "sha256": digest, "min_cosine": worst}),
            encoding="utf-8",
        )
        os.replace(stamp_tmp, where / INT8_META)
    except OnnxUnavailable:
        raise
    except Exception as exc:  # the quantiser can fail in many ways; each means "no int8 model"
        raise OnnxUnavailable(f"int8 quantisation failed: {type(exc).__name__}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return OnnxEncoder.from_file(where / INT8_FILE, folder, info.max_seq_length, info.dimension, threads)
