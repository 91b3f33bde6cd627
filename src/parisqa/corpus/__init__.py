"""Stage 1, the corpus: reading the folder of texts and cutting it into citable pieces.

``reader`` scans the folder and decodes files (skipping what is not UTF-8 text), ``folder`` adds,
lists and deletes documents for the web page, ``text`` finds line and sentence spans, ``structure``
recognises titles, headings, lists and FAQ pairs, ``chunking`` cuts documents into chunks with exact
spans, ``sentences`` splits chunks into answer units, ``tokens`` counts tokens, and ``terms`` is the
term analyser that BM25, answer scoring and follow-ups share. Nothing here knows about the model or
the index; this package imports only records, config and errors.
"""
