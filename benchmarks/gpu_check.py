"""The GPU embedding path, measured where a CUDA GPU is lent: throughput and cosine to the CPU path.

    python benchmarks/gpu_check.py DATA_DIR [--copies N]

DATA_DIR holds ``model/`` (the bundled model's files, weights in fp16), ``texts.json`` (``{"texts": [...],
"chunks": n}``: a build's chunk texts then its sentences) and ``ref.npy`` (their vectors from the CPU
path, ONNX Runtime fp32). Prints one JSON line: texts/s of :class:`parisqa.embed.gpu.CudaEncoder` at
several tokeniser thread counts, of sentence-transformers' own ``encode`` in fp16 on the same GPU (the
baseline), and the lowest and mean cosine to the CPU vectors.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--copies", type=int, default=40, help="texts repeated this many times for throughput")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--device", default="cuda", help="cpu: a dry run of this script where no GPU is")
    parser.add_argument("--workers", default="1,4,8,14", help="tokeniser thread counts to measure")
    args = parser.parse_args()
    data = Path(args.data)
    import torch

    from parisqa.embed.gpu import CudaEncoder

    spec = json.loads((data / "texts.json").read_text())
    texts, ref = spec["texts"], np.load(data / "ref.npy")
    gpu = args.device.startswith("cuda")
    sync = torch.cuda.synchronize if gpu else (lambda: None)
    out: dict = {
        "device": torch.cuda.get_device_name(0) if gpu else "cpu",
        "texts": len(texts),
        "torch": torch.__version__,
    }
    encoder = CudaEncoder(data / "model", 256, ref.shape[1], workers=8, device=args.device)
    got = encoder.encode(texts, batch_size=256)
    cos = (got * ref).sum(1)
    out["cosine_to_cpu"] = {"min": float(cos.min()), "mean": float(cos.mean())}
    chunks = spec["texts"][: spec["chunks"]]
    big = chunks * args.copies
    out["throughput_texts"] = len(big)
    rates = {}
    for workers in (int(w) for w in args.workers.split(",")):
        encoder.workers = workers
        for batch in (256, 512):
            encoder.encode(big[:2048], batch_size=batch)  # warm
            runs = []
            for _ in range(args.runs):
                sync()
                t = time.perf_counter()
                encoder.encode(big, batch_size=batch)
                sync()
                runs.append(time.perf_counter() - t)
            rates[f"workers{workers}_batch{batch}"] = len(big) / statistics.median(runs)
            print(json.dumps({f"workers{workers}_batch{batch}": rates[f"workers{workers}_batch{batch}"]}), flush=True)
    out["cuda_encoder_chunks_per_s"] = rates
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(data / "model"), device=args.device)
    st = st.half() if gpu else st.float()
    st.encode(big[:2048], batch_size=256)
    runs = []
    for _ in range(args.runs):
        sync()
        t = time.perf_counter()
        st_vectors = st.encode(big, batch_size=256, normalize_embeddings=True, convert_to_numpy=True)
        sync()
        runs.append(time.perf_counter() - t)
    out["sentence_transformers_fp16_chunks_per_s"] = len(big) / statistics.median(runs)
    st_cos = (st_vectors[: len(chunks)] * ref[: len(chunks)]).sum(1)
    out["sentence_transformers_fp16_cosine_min"] = float(st_cos.min())
    out["best_ratio_to_sentence_transformers"] = max(rates.values()) / out["sentence_transformers_fp16_chunks_per_s"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
