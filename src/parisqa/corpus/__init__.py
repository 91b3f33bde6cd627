"""Stage 1, the corpus: reading the folder of documents and cutting it into citable pieces.

``reader`` scans the folder and reads files: ``.txt``/``.md`` decoded as UTF-8, PDF (scanned too),
HTML and DOCX converted by ``formats`` into a text every citation is an offset into; ``folder``
adds, lists and deletes documents for the web page; ``language`` detects each document's language;
``text`` finds line and sentence spans, ``structure`` recognises titles, headings, lists and FAQ
pairs, ``chunking`` cuts documents into chunks with exact spans, ``sentences`` splits chunks into
answer units, ``tokens`` counts tokens, and ``terms`` is the term analyser (per language) that BM25,
answer scoring and follow-ups share. Nothing here knows about the model or the index; this package
imports only records, config and errors.
"""
