"""Stage 4, answering: from a question and a loaded index to a quoted answer with citations.

``search`` fuses dense and BM25 retrieval by reciprocal rank, ``compose`` picks the answer sentences
and decides whether to abstain (weights in ``answer_model.json``), ``answertypes`` says what kind of
fact a question asks for, and ``followup`` expands a follow-up question with the conversation.
"""
