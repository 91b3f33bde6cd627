"""Stage 3, the index: the on-disk folder that serves questions, and the build that writes it.

``layout`` names every file of the index folder and holds the schema and chunker versions,
``store`` reads, verifies and atomically writes generations and loads them as one
:class:`~parisqa.index.store.LoadedIndex` (chunks, vectors, BM25, sentences), ``vectors`` is the
FAISS index, ``lexical`` the BM25 index, and ``build`` updates the index from the corpus, embedding
only what changed. It imports the corpus and embedding stages, never the answer stage.
"""
