"""Stage 4, answering: from a question and a served index to a quoted answer with citations.

``search`` fuses dense and BM25 retrieval (z-scored scores, weighted 0.8 dense by default:
``search.DEFAULT_FUSION``) with one function for the local and the Milvus index, ``compose`` picks
the answer sentences and decides whether to abstain (weights in ``answer_model.json``),
``answertypes`` says what kind of fact a question asks for, ``followup`` expands a follow-up question
with the conversation, and ``generate``/``grounded``/``verify`` have an optional LLM write the answer
and keep only the sentences a cited passage supports.
"""
