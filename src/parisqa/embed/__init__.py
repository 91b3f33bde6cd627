"""Stage 2, embedding: the bundled all-MiniLM-L6-v2 model and the two ways to run it.

``model`` finds the model's files and their digests (what the manifest records), ``encoder`` is the
:class:`~parisqa.embed.encoder.Embedder` (cheap to construct, loaded on first use) and ``onnx`` is its
ONNX Runtime backend with the export cache. Both backends import ``model``, never each other's front.
"""
