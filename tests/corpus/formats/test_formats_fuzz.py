"""Fuzz: random bytes and damaged real files give an Extracted or an ExtractionError, nothing else."""

from __future__ import annotations

import makedocs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parisqa.corpus.formats import Extracted, extract
from parisqa.errors import ExtractionError

SEEDS = {".pdf": makedocs.pdf(2), ".docx": makedocs.docx(), ".html": makedocs.html()}


def _check(name: str, data: bytes) -> None:
    try:
        ex = extract(name, data)
    except ExtractionError as exc:
        assert str(exc).startswith(name) and "\n" not in str(exc)
        return
    assert isinstance(ex, Extracted)
    for start, end in ex.pages:
        assert 0 <= start <= end <= len(ex.text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(sorted(SEEDS)), data=st.binary(max_size=2048))
def test_random_bytes(suffix: str, data: bytes):
    _check("fuzz" + suffix, data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from(sorted(SEEDS)),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=0, max_size=8)), min_size=1, max_size=6
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_mutated_real_files(suffix: str, edits: list[tuple[float, bytes]], cut: float | None):
    data = bytearray(SEEDS[suffix])
    for where, patch in edits:
        at = int(where * len(data))
        data[at : at + len(patch)] = patch
    if cut is not None:
        data = data[: int(cut * len(data))]
    _check("mutant" + suffix, bytes(data))


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_every_seed_extracts(suffix: str):
    assert isinstance(extract("seed" + suffix, SEEDS[suffix]), Extracted)
