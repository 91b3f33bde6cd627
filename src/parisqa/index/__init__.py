"""Stage 3, the index: what serves questions, kept in the index folder or in a Milvus store, and the build.

``layout`` names every file of the index folder and holds the schema and chunker versions;
``manifest`` reads the commit point and compares it with the settings, ``generations`` writes,
commits and cleans generations, ``lock`` is the write lock, and ``store`` loads a local one as a
:class:`~parisqa.index.store.LoadedIndex` (chunks, FAISS vectors in ``vectors``, BM25 in ``lexical``,
answer units, null scores in ``nullscores``); ``milvus`` and ``milvus_index`` keep the same in a
Milvus store (milvus-lite file or server); ``backend`` declares the one interface both serve
(:class:`~parisqa.index.backend.IndexBackend`) and loads the one a manifest names. ``build`` plans
an update from the corpus (``sources``) and the index in place (``previous``), embedding only what
changed, and hands it to a sink (``sinks``: folder or Milvus); ``recorded`` keeps the model, store and
chunking an index was built with. It imports the corpus and embedding stages, never the answer stage.
"""
