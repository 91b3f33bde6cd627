"""all-MiniLM-L6-v2 on a CUDA GPU in half precision, fed by tokenisers running on CPU threads.

Why: on a GPU the model's forward pass is cheap (an H200 runs MiniLM at tens of thousands of texts
per second) and the bottleneck moves to tokenising in one Python thread. Here the Rust tokenizer
(which releases the GIL) runs on a pool of CPU threads, batches of similar length are prepared ahead
while the GPU computes, and the pooled, L2-normalised vectors come back as float32. Mean pooling and
the normalisation are done in float32, so the vectors stay within cosine ≈ 0.9999 of the CPU path
(checked: ``tests/embed/test_gpu.py``, ``benchmarks/gpu_check.py``).

Nothing here is imported unless ``device="cuda"`` is asked for; without a GPU that request fails
with a message, and nothing else changes.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError

# Measured on one H200 (benchmarks/gpu_check.py): 512 texts a batch and 1-4 tokeniser threads were the
# fastest (≈ 27-28k chunk texts/s); more threads only added contention.
DEFAULT_GPU_BATCH = 512
DEFAULT_WORKERS = 4


def cuda_available() -> bool:
    """Whether torch is installed and sees a CUDA device."""
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


class CudaEncoder:
    """The bundled model on the GPU in fp16; :meth:`encode` mirrors the ONNX encoder's.

    Args:
        folder: the model folder (``config.json``, ``model.safetensors``, ``tokenizer.json``).
        max_seq_length: word pieces kept per text (the model's 256).
        dimension: the vector size.
        workers: CPU threads tokenising ahead of the GPU (default :data:`DEFAULT_WORKERS`).
        device: the torch device (``"cuda"`` or ``"cuda:N"``; ``"cpu"`` runs the same pipeline in fp32).
    """

    def __init__(
        self, folder: Path, max_seq_length: int, dimension: int, workers: int | None = None, device: str = "cuda"
    ) -> None:
        try:
            import tokenizers
            import torch
            from transformers import AutoModel
        except ImportError as exc:
            raise MissingDependencyError(f"embedding on a GPU needs {exc.name}; install torch with CUDA") from None
        on_gpu = device.startswith("cuda")
        if on_gpu and not torch.cuda.is_available():
            raise MissingDependencyError("--device cuda was asked for, but torch sees no CUDA GPU here")
        self.torch = torch
        self.device = device
        self.dimension = dimension
        self.workers = workers or min(DEFAULT_WORKERS, os.cpu_count() or 1)
        # fp16 on the GPU; a CPU (device="cpu": the same pipeline, for checking it where no GPU is) keeps fp32.
        dtype = torch.float16 if on_gpu else torch.float32
        self.model = AutoModel.from_pretrained(str(folder), dtype=dtype).to(device).eval()
        tokenizer = tokenizers.Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=max_seq_length)
        pad_id = tokenizer.token_to_id("[PAD]")
        tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
        self.tokenizer = tokenizer

    def _tokenize(self, texts: list[str]) -> tuple[Any, Any]:
        import numpy as np

        encoded = self.tokenizer.encode_batch(texts, add_special_tokens=True)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        return ids, mask

    def encode(self, texts: list[str], batch_size: int = DEFAULT_GPU_BATCH, progress: Any = None) -> Any:
        """Embed ``texts`` in length-sorted batches; returns ``(len(texts), dimension)`` float32 unit vectors."""
        import numpy as np

        torch = self.torch
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
        ahead = 2 * self.workers  # tokenised batches waiting for the GPU, so it is never idle
        with ThreadPoolExecutor(self.workers) as pool, torch.inference_mode():
            pending: deque[tuple[list[int], Any]] = deque()
            queued = 0
            while queued < len(batches) and len(pending) < ahead:
                pending.append((batches[queued], pool.submit(self._tokenize, [texts[i] for i in batches[queued]])))
                queued += 1
            while pending:
                rows, future = pending.popleft()
                if queued < len(batches):
                    pending.append((batches[queued], pool.submit(self._tokenize, [texts[i] for i in batches[queued]])))
                    queued += 1
                ids, mask = future.result()
                ids_t = torch.from_numpy(ids).to(self.device, non_blocking=True)
                mask_t = torch.from_numpy(mask).to(self.device, non_blocking=True)
                hidden = self.model(
                    input_ids=ids_t, attention_mask=mask_t, token_type_ids=torch.zeros_like(ids_t)
                ).last_hidden_state
                weights = mask_t.unsqueeze(-1).to(torch.float32)
                pooled = (hidden.float() * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[rows] = pooled.cpu().numpy()
                if progress is not None:
                    progress.update(len(rows))
        return out
