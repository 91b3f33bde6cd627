"""A Milvus store: chunks, dense vectors and BM25 in one engine, for corpora past one machine.

The local store (FAISS + BM25 files in a folder) stays the default. This backend keeps the same
guarantees with Milvus (a server or cluster at ``http(s)://host:port``) or milvus-lite (an embedded
file ending in ``.db``, same client API), so the code that talks to a cluster is tested for real.

Design:

- **One collection per index generation** (``parisqa_<index>_<generation>``), plus its sentence
  collection (``..._s``: the answer units with offsets and embeddings). A build writes a new
  generation while the previous one keeps answering; unchanged chunks are copied from the previous
  generation with their vectors (never re-embedded), changed and added ones inserted, removed ones
  simply not copied, so the new generation has no duplicates and no orphans by construction.
- **The manifest is the commit point**, as for the local store: the caller records the collection
  name in ``manifest.json`` and swaps the manifest in. A collection is stamped ``complete`` only once
  every row is in and counted; :meth:`MilvusStore.open` refuses one that is not. After the swap,
  :meth:`MilvusStore.commit` points the alias ``parisqa_<index>`` at it (for tools outside parisqa;
  parisqa itself reads the name from the manifest, which also carries the file hashes an alias
  cannot) and drops every other generation but the previous one (a reader may still use it),
  including the leftovers of killed builds.
- **Stamped and checked**: each collection's properties record the schema version, model name and
  dimension; opening one that does not match the manifest is refused with the reason.
- **BM25 in the engine on parisqa's own terms**: the analysed field holds the chunk's content terms
  (:func:`parisqa.corpus.terms.terms`: folded, stop words dropped, stemmed) joined by spaces, and queries
  are analysed the same way, so the engine's BM25 (k1 1.2, b 0.75, the same IDF as ``bm25s``) ranks
  like the local index whatever analysers the server offers.
- **Fusion is not done here** for parisqa's answers: the dense and BM25 requests run in the engine
  and :meth:`MilvusGeneration.candidates` returns both candidate lists with both raw scores for every
  candidate (cosine from the stored vector, BM25 from one filtered BM25 request, for those only one
  request found); :func:`parisqa.answer.search.search` fuses them with the function it applies to the
  local index (z-score by default), so both stores rank alike whatever the fusion. Milvus's
  ``hybrid_search`` could not serve that: it returns only the fused score, and its rankers are RRF
  and a weighted sum of unnormalised scores. :meth:`MilvusGeneration.search` keeps a standalone
  ranking for tools working on the store alone (one request, or RRF of both, k = 60;
  ``fusion="engine"`` runs ``hybrid_search`` with ``RRFRanker(60)``, and the tests check both agree).

pymilvus is imported on first use only (it is an optional extra: ``pip install 'parisqa[milvus]'``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import LOCAL_STORE, store_kind
from ..errors import IndexMismatchError, IndexMissingError, MissingDependencyError, StoreError
from ..records import Chunk

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# Bumped when the collections' fields change; a collection of another version is refused.
# 2: a chunk row's meta carries its PDF pages, and the index folder keeps null score statistics.
SCHEMA_VERSION = 2
# Reciprocal rank fusion constant, as in parisqa.answer.search.RRF_K (kept equal by a test).
RRF_K = 60
# BM25 parameters of parisqa.index.lexical (bm25s, "lucene" variant). Milvus multiplies each term's weight
# by (k1 + 1), which bm25s leaves out: scores are divided by it so both stores report the same value.
BM25_K1 = 1.2
BM25_B = 0.75
_BM25_SCALE = 1.0 / (BM25_K1 + 1.0)
FUSIONS = ("client", "engine")
MODES = ("hybrid", "dense", "bm25")
PREFIX = "parisqa_"
SENTENCE_SUFFIX = "_s"
# VARCHAR limits are in bytes (UTF-8).
_MAX_TEXT = 65_535
_MAX_SOURCE = 4_096
_BATCH = 1_000
# An index name has no '_', and a generation starts with "gen_": so the collections of index "a"
# ("parisqa_a_gen_...") can never be mistaken for those of index "a_b" or "ab" when cleaning up.
_INDEX_NAME = re.compile(r"[A-Za-z0-9]{1,64}")
_GENERATION = re.compile(r"gen_[A-Za-z0-9_]{1,64}")
_ID = re.compile(r"[A-Za-z0-9_:-]{1,128}")
_PROPS = ("parisqa.schema_version", "parisqa.model", "parisqa.dimension")
_COMPLETE = "parisqa.complete"
_CHUNK_FIELDS = ["id", "source", "start", "end", "heading", "meta", "text"]


@dataclass(frozen=True)
class StoreMeta:
    """What a collection is stamped with and checked against: the model and its dimension."""

    model: str
    dimension: int

    def properties(self) -> dict[str, str]:
        return {
            "parisqa.schema_version": str(SCHEMA_VERSION),
            "parisqa.model": self.model,
            "parisqa.dimension": str(int(self.dimension)),
        }


@dataclass(frozen=True)
class MilvusHit:
    """A retrieved chunk (exact offsets in its source) with its scores, higher is better."""

    chunk: Chunk
    dense: float
    bm25: float
    fused: float

    @property
    def scores(self) -> dict[str, float]:
        return {"dense": self.dense, "bm25": self.bm25, "fused": self.fused}


@dataclass(frozen=True)
class Candidates:
    """The raw material of hybrid fusion from the engine: both candidate lists, both scores for each.

    Fusion itself is not done here: :func:`parisqa.answer.search.search` fuses these with the very
    function it applies to the local index, so both stores rank alike whatever the fusion method.

    Attributes:
        dense_order: ids the dense request returned, best first.
        bm25_order: ids the BM25 request returned (they share a term with the query), best first.
        dense: the cosine of every candidate of either list (from the stored vector when only BM25 found it).
        bm25: the BM25 score of every candidate of either list (0.0 when it shares no term with the query).
        sources: the source file of every candidate (for document-level aggregation).
    """

    dense_order: tuple[str, ...]
    bm25_order: tuple[str, ...]
    dense: dict[str, float]
    bm25: dict[str, float]
    sources: dict[str, str]


@dataclass(frozen=True)
class StoredSentence:
    """One answer unit of a chunk: absolute offsets in the source, and its unit embedding."""

    chunk_id: str
    start: int
    end: int
    question: bool
    vector: tuple[float, ...]


def parse_uri(uri: str) -> str:
    """Return ``"lite"`` or ``"server"`` for a store URI.

    Raises:
        ValueError: ``uri`` is neither a path ending in ``.db`` nor an ``http(s)://`` address.
    """
    kind = store_kind(uri) if uri != LOCAL_STORE else None
    if kind is None:
        raise ValueError(
            f"Milvus store must be a milvus-lite file ending in '.db' (e.g. /data/parisqa.db) or a server "
            f"address http(s)://host:port (e.g. http://127.0.0.1:19530), got {uri!r}"
        )
    return kind


def collection_name(index_name: str, generation: str) -> str:
    """The collection of one generation of ``index_name`` (Milvus names allow letters, digits, '_')."""
    cleaned = str(generation).replace("-", "_")
    if not _GENERATION.fullmatch(cleaned) or cleaned.endswith(SENTENCE_SUFFIX):
        raise ValueError(
            f"generation must be 'gen-' then 1-64 letters, digits, '-' or '_' (not ending in '_s'), got {generation!r}"
        )
    return f"{alias_name(index_name)}_{cleaned}"


def alias_name(index_name: str) -> str:
    """The alias that follows the committed generation of ``index_name``."""
    if not _INDEX_NAME.fullmatch(str(index_name)):
        raise ValueError(f"index name must be 1-64 letters or digits, got {index_name!r}")
    return f"{PREFIX}{index_name}"


def _is_generation_of(name: str, index_name: str) -> bool:
    prefix = alias_name(index_name) + "_"
    return name.startswith(prefix) and bool(_GENERATION.fullmatch(name[len(prefix) :]))


def bm25_text(text: str, language: str = "en") -> str:
    """The analysed text the BM25 field holds: parisqa's content terms in ``language``, space-separated."""
    from ..corpus.terms import terms

    return " ".join(terms(text, language))


def _import_pymilvus() -> Any:
    try:
        import pymilvus
    except ImportError:
        raise MissingDependencyError(
            "the Milvus store needs pymilvus and milvus-lite; install them with pip install 'parisqa[milvus]'"
        ) from None
    return pymilvus


def _quoted(ids: Iterable[str]) -> str:
    out = []
    for chunk_id in ids:
        if not _ID.fullmatch(chunk_id):
            raise ValueError(f"chunk id must be letters, digits, '_', ':' or '-', got {chunk_id!r}")
        out.append(f'"{chunk_id}"')
    return "[" + ", ".join(out) + "]"


def _batches(items: Sequence[Any], size: int = _BATCH) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _chunk_row(chunk: Chunk, vector: Any, language: str = "en") -> dict[str, Any]:
    meta = {"kind": chunk.kind, "title": chunk.title}
    if chunk.question_span is not None:
        meta["question_span"] = list(chunk.question_span)
    if chunk.answer_span is not None:
        meta["answer_span"] = list(chunk.answer_span)
    if chunk.pages is not None:
        meta["pages"] = list(chunk.pages)
    row = {
        "id": chunk.id,
        "source": chunk.source,
        "start": int(chunk.start),
        "end": int(chunk.end),
        "heading": json.dumps(list(chunk.heading_path), ensure_ascii=False),
        "meta": json.dumps(meta, ensure_ascii=False),
        "text": chunk.text,
        "terms": bm25_text(chunk.embed_text, language),
        "dense": [float(x) for x in vector],
    }
    for name, limit in (("text", _MAX_TEXT), ("terms", _MAX_TEXT), ("heading", _MAX_TEXT), ("source", _MAX_SOURCE)):
        if len(row[name].encode("utf-8", "surrogatepass")) > limit:
            raise StoreError(
                f"chunk {chunk.id} of '{chunk.source}' has a {name} longer than the Milvus limit of "
                f"{limit} bytes; lower --chunk-tokens or shorten the file name"
            )
    return row


def _chunk_from_row(row: dict[str, Any]) -> Chunk:
    meta = json.loads(row["meta"])
    return Chunk.from_dict(
        {
            "id": row["id"],
            "source": row["source"],
            "start": row["start"],
            "end": row["end"],
            "text": row["text"],
            "heading_path": json.loads(row["heading"]),
            **meta,
        }
    )


class MilvusStore:
    """A connection (opened on first use) to a Milvus server or a milvus-lite file.

    Args:
        uri: a path ending in ``.db`` (milvus-lite, embedded) or ``http(s)://host:port``.
        token: the server's token (``user:password`` or an API key), if it needs one.
        timeout: seconds to wait for a server before giving up.

    Raises:
        ValueError: ``uri`` has neither form.
    """

    def __init__(self, uri: str, token: str | None = None, *, timeout: float = 5.0) -> None:
        self.kind = parse_uri(uri)
        self.uri = uri
        self._token = token
        self._timeout = timeout
        self._client_obj: Any = None

    def __repr__(self) -> str:  # never shows the token
        return f"MilvusStore({self.uri!r})"

    @property
    def client(self) -> Any:
        """The pymilvus client, connected on first use.

        Raises:
            StoreError: the server cannot be reached or the file cannot be opened.
        """
        if self._client_obj is None:
            pymilvus = _import_pymilvus()
            _quiet_pymilvus()
            kwargs: dict[str, Any] = {"uri": self.uri, "timeout": self._timeout}
            if self._token:
                kwargs["token"] = self._token
            try:
                if self.kind == "lite":  # a new file's folder, as the index folder is made when missing
                    Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
                self._client_obj = pymilvus.MilvusClient(**kwargs)
            except Exception as exc:  # pymilvus raises MilvusException, grpc errors or OSError
                hint = (
                    "; milvus-lite lets one process open a file at a time, so stop any other process using "
                    "it (or serve it from a Milvus server), and check that its folder is writable"
                    if self.kind == "lite"
                    else "; start the server, check the address and token, or use the local store"
                )
                raise StoreError(
                    f"cannot reach the Milvus store at '{self.uri}' ({_reason(exc)}){hint}", uri=self.uri
                ) from None
        return self._client_obj

    def close(self) -> None:
        if self._client_obj is not None:
            try:
                self._client_obj.close()
            finally:
                self._client_obj = None

    def _call(self, what: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a client call, turning engine and connection failures into :class:`StoreError`."""
        try:
            return func(*args, **kwargs)
        except (StoreError, IndexMismatchError, IndexMissingError):
            raise
        except Exception as exc:
            raise StoreError(f"Milvus store '{self.uri}': {what} failed ({_reason(exc)})", uri=self.uri) from None

    # -- writing ---------------------------------------------------------------------------------

    def begin(self, index_name: str, generation: str, meta: StoreMeta) -> GenerationWriter:
        """Create the (empty) collections of a new generation; a leftover of the same name is replaced."""
        name = collection_name(index_name, generation)
        client = self.client
        for existing in (name, name + SENTENCE_SUFFIX):
            if self._call("has_collection", client.has_collection, existing):
                self._call("drop_collection", client.drop_collection, existing)
        self._create_chunks(name, meta)
        self._create_sentences(name + SENTENCE_SUFFIX, meta)
        return GenerationWriter(self, name, meta)

    def _create_chunks(self, name: str, meta: StoreMeta) -> None:
        pymilvus = _import_pymilvus()
        dt = pymilvus.DataType
        client = self.client
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False, description="parisqa chunks")
        schema.add_field("id", dt.VARCHAR, is_primary=True, max_length=128)
        schema.add_field("source", dt.VARCHAR, max_length=_MAX_SOURCE)
        schema.add_field("start", dt.INT64)
        schema.add_field("end", dt.INT64)
        schema.add_field("heading", dt.VARCHAR, max_length=_MAX_TEXT)  # JSON list: the heading path
        schema.add_field("meta", dt.VARCHAR, max_length=_MAX_TEXT)  # JSON: kind, title, FAQ spans
        schema.add_field("text", dt.VARCHAR, max_length=_MAX_TEXT)  # exactly source_text[start:end]
        schema.add_field(
            "terms", dt.VARCHAR, max_length=_MAX_TEXT, enable_analyzer=True, analyzer_params={"tokenizer": "standard"}
        )
        schema.add_field("dense", dt.FLOAT_VECTOR, dim=int(meta.dimension))
        schema.add_field("sparse", dt.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            pymilvus.Function(
                name="bm25",
                function_type=pymilvus.FunctionType.BM25,
                input_field_names=["terms"],
                output_field_names=["sparse"],
            )
        )
        index = client.prepare_index_params()
        index.add_index("dense", index_type="FLAT", metric_type="IP")
        bm25 = {"bm25_k1": BM25_K1, "bm25_b": BM25_B}
        if self.kind == "lite":
            # pymilvus 3 sends index parameters as flat key/values; milvus-lite 3.2 reads them only
            # from the older nested "params" entry (a server reads both), so send that form too.
            bm25["params"] = dict(bm25)
        index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=bm25)
        self._create(name, schema, index, meta)

    def _create(self, name: str, schema: Any, index: Any, meta: StoreMeta) -> None:
        """Create one collection of a generation, stamped with ``meta``, read with strong consistency."""
        self._call(
            "create_collection",
            self.client.create_collection,
            name,
            schema=schema,
            index_params=index,
            properties=meta.properties(),
            consistency_level="Strong",
        )

    def _create_sentences(self, name: str, meta: StoreMeta) -> None:
        pymilvus = _import_pymilvus()
        dt = pymilvus.DataType
        client = self.client
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False, description="parisqa sentences")
        schema.add_field("id", dt.VARCHAR, is_primary=True, max_length=160)  # "<chunk id>:<n>"
        schema.add_field("chunk_id", dt.VARCHAR, max_length=128)
        schema.add_field("n", dt.INT64)
        schema.add_field("start", dt.INT64)
        schema.add_field("end", dt.INT64)
        schema.add_field("question", dt.BOOL)
        schema.add_field("vector", dt.FLOAT_VECTOR, dim=int(meta.dimension))
        index = client.prepare_index_params()
        index.add_index("vector", index_type="FLAT", metric_type="IP")
        self._create(name, schema, index, meta)

    # -- reading ---------------------------------------------------------------------------------

    def open(self, name: str, meta: StoreMeta) -> MilvusGeneration:
        """Open a complete generation for search, checking its stamp against ``meta``.

        Raises:
            IndexMissingError: there is no such collection (or not its sentence collection).
            IndexMismatchError: the collection was built with another schema, model or dimension, or
                its build never finished.
            StoreError: the store cannot be reached.
        """
        client = self.client
        for part in (name, name + SENTENCE_SUFFIX):
            if not self._call("has_collection", client.has_collection, part):
                raise IndexMissingError(f"Milvus store '{self.uri}' has no collection '{part}'", remedy="rebuild")
        props = self._properties(name)
        reasons = []
        for key, want in meta.properties().items():
            have = props.get(key)
            if have != want:
                reasons.append(f"{key.split('.', 1)[1]} is {have!r}, expected {want!r}")
        if not reasons and props.get(_COMPLETE) != "1":
            reasons.append("its build did not finish")
        if reasons:
            raise IndexMismatchError(
                f"Milvus collection '{name}' in '{self.uri}' does not match this index: {'; '.join(reasons)}",
                remedy="rebuild",
            )
        for part in (name, name + SENTENCE_SUFFIX):
            self._call("load_collection", client.load_collection, part)
        return MilvusGeneration(self, name, meta)

    def _properties(self, name: str) -> dict[str, str]:
        described = self._call("describe_collection", self.client.describe_collection, name)
        return {str(k): str(v) for k, v in (described.get("properties") or {}).items()}

    # -- commit and cleanup ----------------------------------------------------------------------

    def commit(self, index_name: str, name: str, keep: Sequence[str] = ()) -> list[str]:
        """After the manifest naming ``name`` is swapped in: point the alias at it, drop the rest.

        Args:
            index_name: the index the generations belong to.
            name: the committed collection.
            keep: other collections to keep (the previous generation, which a reader may still use).

        Returns:
            The collections dropped (left by earlier builds, finished or killed).
        """
        client = self.client
        alias = alias_name(index_name)
        pointed = [c for c in self._call("list_collections", client.list_collections) if c.startswith(alias + "_")]
        holder = None
        for collection in pointed:
            if alias in self._call("list_aliases", client.list_aliases, collection).get("aliases", []):
                holder = collection
        if holder is None:
            self._call("create_alias", client.create_alias, name, alias)
        elif holder != name:
            self._call("alter_alias", client.alter_alias, name, alias)
        return self.cleanup(index_name, keep=[name, *keep])

    def cleanup(self, index_name: str, keep: Sequence[str]) -> list[str]:
        """Drop every collection of ``index_name`` but ``keep`` (and their sentence collections)."""
        client = self.client
        kept = set(keep) | {k + SENTENCE_SUFFIX for k in keep}
        dropped = []
        for name in self._call("list_collections", client.list_collections):
            if _is_generation_of(name, index_name) and name not in kept:
                self._call("drop_collection", client.drop_collection, name)
                dropped.append(name)
        return sorted(dropped)

    def generations(self, index_name: str) -> list[str]:
        """Chunk collections of ``index_name`` in the store, complete or not."""
        names = self._call("list_collections", self.client.list_collections)
        return sorted(n for n in names if _is_generation_of(n, index_name) and not n.endswith(SENTENCE_SUFFIX))


class GenerationWriter:
    """Fills the collections of one new generation; :meth:`finish` stamps it complete."""

    def __init__(self, store: MilvusStore, name: str, meta: StoreMeta) -> None:
        self.store = store
        self.name = name
        self.meta = meta
        self._ids: set[str] = set()
        self._sentences = 0

    def copy_from(self, previous: str, chunk_ids: Sequence[str]) -> int:
        """Copy unchanged chunks (and their sentences) with their vectors from a previous generation.

        Returns:
            The number of chunks copied.

        Raises:
            StoreError: a chunk id is not in ``previous`` (its manifest and collection disagree).
        """
        client = self.store.client
        call = self.store._call
        wanted = [i for i in dict.fromkeys(chunk_ids) if i not in self._ids]
        for part in (previous, previous + SENTENCE_SUFFIX):
            call("load_collection", client.load_collection, part)
        copied = 0
        for batch in _batches(wanted):
            ids = _quoted(batch)
            rows = call(
                "query", client.query, previous, filter=f"id in {ids}", output_fields=[*_CHUNK_FIELDS, "terms", "dense"]
            )
            if len(rows) != len(batch):
                missing = sorted(set(batch) - {r["id"] for r in rows})
                raise StoreError(
                    f"Milvus collection '{previous}' lacks {len(missing)} chunk(s) its manifest names "
                    f"(e.g. {missing[0]}); rebuild the index from the corpus",
                    uri=self.store.uri,
                )
            call("insert", client.insert, self.name, [dict(r) for r in rows])
            sentences = call(
                "query",
                client.query,
                previous + SENTENCE_SUFFIX,
                filter=f"chunk_id in {ids}",
                output_fields=["id", "chunk_id", "n", "start", "end", "question", "vector"],
            )
            if sentences:
                call("insert", client.insert, self.name + SENTENCE_SUFFIX, [dict(r) for r in sentences])
            self._ids.update(batch)
            self._sentences += len(sentences)
            copied += len(rows)
        return copied

    def add(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        sentences: Sequence[Sequence[Any]] = (),
        sentence_vectors: np.ndarray | None = None,
        languages: Sequence[str] | None = None,
    ) -> None:
        """Insert new or changed chunks with their embeddings and answer units.

        Args:
            chunks: the chunks, ids unique within the generation.
            vectors: their unit embeddings, one row per chunk.
            sentences: per chunk, its answer units (objects with ``start``, ``end``, ``question``).
            sentence_vectors: the units' embeddings, one row per unit in order.
            languages: per chunk, the language its BM25 terms are analysed in (default: all English).

        Raises:
            ValueError: a chunk id is already in the generation, or the arrays are not aligned.
        """
        if len(vectors) != len(chunks):
            raise ValueError(f"need one vector per chunk, got {len(vectors)} for {len(chunks)} chunks")
        if sentences and len(sentences) != len(chunks):
            raise ValueError(f"need one sentence list per chunk, got {len(sentences)} for {len(chunks)} chunks")
        n_sent = sum(len(s) for s in sentences)
        if n_sent and (sentence_vectors is None or len(sentence_vectors) != n_sent):
            got = 0 if sentence_vectors is None else len(sentence_vectors)
            raise ValueError(f"need one vector per sentence, got {got} for {n_sent} sentences")
        seen = set()
        for chunk in chunks:
            if chunk.id in self._ids or chunk.id in seen:
                raise ValueError(f"chunk id {chunk.id} is already in generation '{self.name}'")
            seen.add(chunk.id)
        if len(vectors) and len(vectors[0]) != self.meta.dimension:
            raise ValueError(f"vectors must have dimension {self.meta.dimension}, got {len(vectors[0])}")
        client = self.store.client
        call = self.store._call
        if languages is not None and len(languages) != len(chunks):
            raise ValueError(f"need one language per chunk, got {len(languages)} for {len(chunks)} chunks")
        rows = [_chunk_row(c, v, languages[i] if languages else "en") for i, (c, v) in enumerate(zip(chunks, vectors))]
        for batch in _batches(rows):
            call("insert", client.insert, self.name, list(batch))
        srows = []
        i = 0
        for chunk, units in zip(chunks, sentences):
            for n, unit in enumerate(units):
                srows.append(
                    {
                        "id": f"{chunk.id}:{n}",
                        "chunk_id": chunk.id,
                        "n": n,
                        "start": int(unit.start),
                        "end": int(unit.end),
                        "question": bool(unit.question),
                        "vector": [float(x) for x in sentence_vectors[i]],  # type: ignore[index]
                    }
                )
                i += 1
        for batch in _batches(srows):
            call("insert", client.insert, self.name + SENTENCE_SUFFIX, list(batch))
        self._ids.update(seen)
        self._sentences += len(srows)

    def finish(self) -> str:
        """Flush, check the row counts, and stamp the generation complete; return its name.

        Raises:
            StoreError: the collections do not hold exactly the rows written.
        """
        client = self.store.client
        call = self.store._call
        for part, want in ((self.name, len(self._ids)), (self.name + SENTENCE_SUFFIX, self._sentences)):
            call("flush", client.flush, part)
            call("load_collection", client.load_collection, part)
            have = _count(self.store, part)
            if have != want:
                raise StoreError(
                    f"Milvus collection '{part}' holds {have} rows after the build, expected {want}",
                    uri=self.store.uri,
                )
        call("alter_collection_properties", client.alter_collection_properties, self.name, properties={_COMPLETE: "1"})
        return self.name


def _count(store: MilvusStore, name: str) -> int:
    rows = store._call("count", store.client.query, name, filter="", output_fields=["count(*)"])
    return int(rows[0]["count(*)"])


class MilvusGeneration:
    """One complete, loaded generation: hybrid search, chunks and sentences by id."""

    def __init__(self, store: MilvusStore, name: str, meta: StoreMeta) -> None:
        self.store = store
        self.name = name
        self.meta = meta
        self.size = _count(store, name)

    def __len__(self) -> int:
        return self.size

    def search(
        self,
        query_vector: Any,
        query_text: str,
        k: int,
        *,
        mode: str = "hybrid",
        fusion: str = "client",
        terms: Sequence[str] | None = None,
    ) -> list[MilvusHit]:
        """Top-``k`` chunks for a query, like :func:`parisqa.answer.search.search` on the local store.

        Args:
            query_vector: the query's unit embedding.
            query_text: the question (analysed here into parisqa's content terms for BM25).
            k: number of hits wanted.
            mode: ``"hybrid"``, ``"dense"`` or ``"bm25"``.
            terms: the question's content terms when already analysed (then ``query_text`` is not read).
            fusion: ``"client"`` (both requests in the engine, RRF here) or ``"engine"``
                (``hybrid_search`` with ``RRFRanker``, which returns the fused score only: the
                hits' dense scores are computed from their vectors and their BM25 scores fetched
                by one more request).

        Returns:
            Hits, best first, each with its chunk (exact offsets) and its dense, BM25 and fused scores.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}, got {fusion!r}")
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        if self.size == 0:
            return []
        depth = min(self.size, max(4 * k, 40))
        vector = [float(x) for x in query_vector]
        if len(vector) != self.meta.dimension:
            raise ValueError(f"query vector must have dimension {self.meta.dimension}, got {len(vector)}")
        text = " ".join(terms) if terms is not None else bm25_text(query_text)
        if mode == "hybrid" and fusion == "engine":
            return self._engine_hybrid(vector, text, k, depth)

        dense = self._ann("dense", vector, depth, ["id"])
        dense_rank = {h["id"]: i for i, h in enumerate(dense)}
        dense_score = {h["id"]: float(h["distance"]) for h in dense}
        bm25_hits = []
        if text and mode != "dense":
            bm25_hits = self._ann("sparse", text, depth, ["id"])
        bm25_score = _bm25_scores(bm25_hits)
        bm25_ids = sorted(bm25_score, key=lambda i: -bm25_score[i])
        bm25_rank = {cid: i for i, cid in enumerate(bm25_ids)}

        if mode == "dense":
            ranked = sorted(dense_rank, key=dense_rank.__getitem__)
            fused = dict(dense_score)
        elif mode == "bm25":
            ranked = bm25_ids if bm25_ids else sorted(dense_rank, key=dense_rank.__getitem__)
            fused = {cid: bm25_score.get(cid, 0.0) for cid in ranked}
        else:
            fused = rrf(dense_rank, bm25_rank)
            ranked = sorted(fused, key=lambda c: (-fused[c], dense_rank.get(c, depth)))
        top = ranked[:k]
        return self._hits(top, vector, dense_score, bm25_score, fused, text)

    def candidates(self, query_vector: Any, terms: Sequence[str], depth: int) -> Candidates:
        """The dense and BM25 candidates of a query, each with both raw scores (no fusion).

        Args:
            query_vector: the query's unit embedding.
            terms: the query's content terms (:func:`parisqa.corpus.terms.terms`).
            depth: how many candidates each request returns at most.

        Returns:
            Both lists; a candidate only one request found gets its other score too: its cosine from
            its stored vector, its BM25 score from one BM25 request restricted to such candidates.
        """
        import numpy as np

        if depth <= 0 or self.size == 0:
            return Candidates((), (), {}, {}, {})
        vector = [float(x) for x in query_vector]
        if len(vector) != self.meta.dimension:
            raise ValueError(f"query vector must have dimension {self.meta.dimension}, got {len(vector)}")
        text = " ".join(terms)
        fields = ["id", "source"]
        dense_hits = self._ann("dense", vector, depth, fields)
        bm25_hits = []
        if text:
            bm25_hits = self._ann("sparse", text, depth, fields)
        sources = {h["id"]: h["entity"]["source"] for h in (*dense_hits, *bm25_hits)}
        dense = {h["id"]: float(h["distance"]) for h in dense_hits}
        bm25 = _bm25_scores(bm25_hits)
        bm25_order = tuple(sorted(bm25, key=lambda i: -bm25[i]))
        dense_order = tuple(h["id"] for h in dense_hits)
        only_bm25 = [i for i in bm25_order if i not in dense]
        if only_bm25:
            q = np.asarray(vector, dtype=np.float32)
            dense.update((i, float(v @ q)) for i, v in self.vectors(only_bm25).items())
        only_dense = [i for i in dense_order if i not in bm25]
        if text and only_dense:
            bm25.update(self._bm25_of(only_dense, text))
        for i in only_dense:
            bm25.setdefault(i, 0.0)
        return Candidates(dense_order, bm25_order, dense, bm25, sources)

    def _engine_hybrid(self, vector: list[float], text: str, k: int, depth: int) -> list[MilvusHit]:
        pymilvus = _import_pymilvus()
        client = self.store.client
        requests = [
            pymilvus.AnnSearchRequest(data=[vector], anns_field="dense", param={"metric_type": "IP"}, limit=depth)
        ]
        if text:
            requests.append(pymilvus.AnnSearchRequest(data=[text], anns_field="sparse", param={}, limit=depth))
        hits = self.store._call(
            "hybrid_search",
            client.hybrid_search,
            self.name,
            requests,
            pymilvus.RRFRanker(RRF_K),
            limit=k,
            output_fields=["id"],
        )[0]
        fused = {h["id"]: float(h["distance"]) for h in hits}
        return self._hits(list(fused), vector, {}, None, fused, text)

    def _hits(
        self,
        ids: list[str],
        vector: list[float],
        dense_score: dict[str, float],
        bm25_score: dict[str, float] | None,
        fused: dict[str, float],
        text: str,
    ) -> list[MilvusHit]:
        if not ids:
            return []
        import numpy as np

        need_vectors = any(i not in dense_score for i in ids)
        fields = [*_CHUNK_FIELDS, "dense"] if need_vectors else list(_CHUNK_FIELDS)
        rows = self.store._call(
            "query", self.store.client.query, self.name, filter=f"id in {_quoted(ids)}", output_fields=fields
        )
        by_id = {r["id"]: r for r in rows}
        bm25_score = dict(bm25_score or {})
        missing = [i for i in ids if i not in bm25_score]
        if text and missing:
            # Hits the BM25 request did not rank (dense-only finds, or ``mode="dense"``) still get
            # their BM25 score, as locally: one BM25 request restricted to them.
            bm25_score.update(self._bm25_of(missing, text))
        q = np.asarray(vector, dtype=np.float32)
        hits = []
        for cid in ids:
            row = by_id.get(cid)
            if row is None:  # deleted between the search and the fetch: cannot happen in a committed generation
                continue
            dense = dense_score.get(cid)
            if dense is None:
                dense = float(np.asarray(row["dense"], dtype=np.float32) @ q)
            bm25 = bm25_score.get(cid, 0.0)
            hits.append(MilvusHit(_chunk_from_row(row), float(dense), float(bm25), float(fused[cid])))
        return hits

    def _ann(self, field: str, query: Any, limit: int, fields: list[str], where: str = "") -> list[dict[str, Any]]:
        """One request to the engine: the ``limit`` best rows by ``dense`` (inner product) or ``sparse`` (BM25)."""
        metric = "IP" if field == "dense" else "BM25"
        return self.store._call(
            "search",
            self.store.client.search,
            self.name,
            data=[query],
            anns_field=field,
            limit=limit,
            search_params={"metric_type": metric},
            output_fields=fields,
            **({"filter": where} if where else {}),
        )[0]

    def _bm25_of(self, ids: list[str], text: str) -> dict[str, float]:
        return _bm25_scores(self._ann("sparse", text, len(ids), ["id"], f"id in {_quoted(ids)}"))

    def _rows(self, ids: Sequence[str], fields: list[str]) -> Iterable[dict[str, Any]]:
        """The rows of ``ids`` in this generation (``fields`` of each), fetched a batch at a time."""
        for batch in _batches(list(ids)):
            yield from self.store._call(
                "query", self.store.client.query, self.name, filter=f"id in {_quoted(batch)}", output_fields=fields
            )

    def chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks of ``ids`` that are in this generation."""
        return {r["id"]: _chunk_from_row(r) for r in self._rows(ids, _CHUNK_FIELDS)}

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of the chunks of ``ids`` that are in this generation (float32)."""
        import numpy as np

        return {r["id"]: np.asarray(r["dense"], dtype=np.float32) for r in self._rows(ids, ["id", "dense"])}

    def chunk_ids(self) -> list[str]:
        """Every chunk id of the generation (for checks; reads the whole id column)."""
        ids: list[str] = []
        iterator = self.store._call(
            "query_iterator",
            self.store.client.query_iterator,
            self.name,
            batch_size=_BATCH,
            filter="",
            output_fields=["id"],
        )
        while True:
            rows = iterator.next()
            if not rows:
                iterator.close()
                return ids
            ids.extend(r["id"] for r in rows)

    def sentences(self, chunk_ids: Sequence[str]) -> dict[str, list[StoredSentence]]:
        """The answer units of each chunk, in order, with offsets and embeddings."""
        out: dict[str, list[StoredSentence]] = {cid: [] for cid in chunk_ids}
        for batch in _batches(list(chunk_ids)):
            rows = self.store._call(
                "query",
                self.store.client.query,
                self.name + SENTENCE_SUFFIX,
                filter=f"chunk_id in {_quoted(batch)}",
                output_fields=["chunk_id", "n", "start", "end", "question", "vector"],
            )
            for r in sorted(rows, key=lambda r: (r["chunk_id"], r["n"])):
                out[r["chunk_id"]].append(
                    StoredSentence(
                        r["chunk_id"], int(r["start"]), int(r["end"]), bool(r["question"]), tuple(r["vector"])
                    )
                )
        return out


def _bm25_scores(hits: list[dict[str, Any]]) -> dict[str, float]:
    """BM25 scores of a sparse request's hits, on the local index's scale.

    milvus-lite reports BM25 as a distance (the negated score), a server as the score.
    """
    return {h["id"]: abs(float(h["distance"])) * _BM25_SCALE for h in hits}


def rrf(*ranks: dict[str, int]) -> dict[str, float]:
    """Reciprocal rank fusion of 0-based rank maps: ``sum 1 / (RRF_K + rank + 1)``."""
    fused: dict[str, float] = {}
    for rank in ranks:
        for cid, r in rank.items():
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + r + 1)
    return fused


def _quiet_pymilvus() -> None:
    """Stop pymilvus logging a traceback for each error it raises.

    This module turns every such error into a :class:`StoreError` that says what failed; pymilvus's
    own log handlers (set up when it is imported) would print it a second time, with a traceback, on
    stderr. Called once per connection, after pymilvus is imported.
    """
    import logging

    for name in ("pymilvus", "pymilvus.milvus_client", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(message).split())[:300]
