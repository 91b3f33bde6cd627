"""Deterministic, real-ish English documents for tests that need a corpus bigger than the seed.

Sentences are built from templates over a city-and-technology vocabulary, so the text reads like
prose (varied words, punctuation, headings, lists, FAQ pairs) and exercises the same chunking and
embedding paths as real files, yet every document is reproducible from its seed.
"""

from __future__ import annotations

import random

CITIES = ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux", "Grenoble", "Nice", "Rennes"]
FIELDS = [
    "robotics",
    "computer vision",
    "language models",
    "medical imaging",
    "climate modelling",
    "quantum computing",
    "cybersecurity",
    "battery chemistry",
    "urban mobility",
    "precision farming",
]
ACTORS = [
    "the regional council",
    "a group of universities",
    "the national research agency",
    "several startups",
    "a consortium of hospitals",
    "the city administration",
    "an industrial partner",
    "a public investment bank",
]
VERBS = ["funded", "launched", "expanded", "opened", "announced", "tested", "published", "evaluated"]
OBJECTS = [
    "a new laboratory",
    "an open dataset",
    "a training programme",
    "a pilot project",
    "a shared computing cluster",
    "an ethics review board",
    "a public benchmark",
    "a graduate school",
]
ADJECTIVES = ["ambitious", "modest", "careful", "rapid", "long-term", "experimental", "collaborative", "costly"]
REASONS = [
    "talent kept leaving for larger markets",
    "hospitals needed faster diagnoses",
    "energy prices rose sharply",
    "local firms lacked computing power",
    "regulators asked for transparent systems",
    "students wanted practical experience",
]


def sentence(rng: random.Random) -> str:
    city, field = rng.choice(CITIES), rng.choice(FIELDS)
    templates = [
        f"In {rng.randint(2015, 2030)}, {rng.choice(ACTORS)} in {city} {rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)} for {field}.",
        f"The {rng.choice(ADJECTIVES)} effort in {field} began because {rng.choice(REASONS)}.",
        f"Researchers in {city} say that {field} will need {rng.randint(2, 90)} million euros over "
        f"{rng.randint(2, 9)} years.",
        f"According to {rng.choice(ACTORS)}, {rng.choice(OBJECTS)} in {city} has already trained "
        f"{rng.randint(20, 900)} engineers.",
        f"Critics argue that the {rng.choice(ADJECTIVES)} plan for {field} ignores how {rng.choice(REASONS)}.",
        f"Why does {city} invest in {field}? Mostly because {rng.choice(REASONS)}.",
    ]
    return rng.choice(templates)


def paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 8)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def document(seed: int, paragraphs: int = 12) -> str:
    """A plain-text article: title, sections with paragraphs and a list, and a short FAQ."""
    rng = random.Random(seed)
    city, field = rng.choice(CITIES), rng.choice(FIELDS)
    lines = [f"{field.capitalize()} in {city}: report {seed}", ""]
    for section in range(max(1, paragraphs // 4)):
        lines += [f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(FIELDS)} work {section + 1}", ""]
        for _ in range(4):
            lines += [paragraph(rng), ""]
        lines += ["Key projects:"]
        lines += [f"- {rng.choice(OBJECTS).capitalize()} in {rng.choice(CITIES)}" for _ in range(3)]
        lines += [""]
    lines += ["FAQ", ""]
    for _ in range(2):
        q_city, q_field = rng.choice(CITIES), rng.choice(FIELDS)
        lines += [f"What did {q_city} do for {q_field} in report {seed}?", paragraph(rng, (1, 3)), ""]
    return "\n".join(lines)
