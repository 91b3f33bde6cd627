"""Rebuild the development corpora from public git repositories at pinned commits.

The corpus texts are not committed (they are other people's text, kept out of this
repository's history); this script regenerates them byte for byte from local clones,
so questions.jsonl (committed) always has the documents its evidence quotes.

Usage: python eval/collections/prepare.py GO_WEBSITE_GIT GIT_GIT PEPS_GIT FACTBOOK_GIT
(each argument is a git directory of github.com/golang/website, git/git, python/peps,
factbook/factbook.json; the commits read are pinned below).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMITS = {
    "go": "b02076ae6df08ee9d495fe4b283f88ac18e51012",
    "git": "1a3e64c6c4a623626ff0687008732a8e007e2a1c",
    "peps": "ba4deeb7969588d937da609008d05bb83a47b1ab",
    "factbook": "8662a8b17a784841ab4528631b04090eb2f183eb",
}
GIT_PAGES = [
    "stash",
    "bisect",
    "worktree",
    "cherry-pick",
    "revert",
    "tag",
    "clean",
    "reflog",
    "notes",
    "archive",
    "gc",
    "restore",
    "switch",
    "blame",
]
COUNTRIES = {
    "europe/ic": "iceland",
    "europe/po": "portugal",
    "europe/no": "norway",
    "europe/ei": "ireland",
    "europe/gr": "greece",
    "europe/fi": "finland",
    "europe/mt": "malta",
    "europe/sz": "switzerland",
    "europe/au": "austria",
    "europe/nl": "netherlands",
    "europe/pl": "poland",
    "europe/hr": "croatia",
    "europe/en": "estonia",
    "europe/lu": "luxembourg",
    "europe/da": "denmark",
}
FACT_FIELDS = {
    "Geography": [
        "Location",
        "Area",
        "Coastline",
        "Climate",
        "Terrain",
        "Elevation",
        "Natural resources",
        "Natural hazards",
        "Major rivers (by length in km)",
        "Major lakes (area sq km)",
        "Geography - note",
    ],
    "People and Society": [
        "Population",
        "Ethnic groups",
        "Languages",
        "Religions",
        "Median age",
        "Life expectancy at birth",
        "Major urban areas - population",
    ],
    "Government": [
        "Country name",
        "Government type",
        "Capital",
        "Administrative divisions",
        "Independence",
        "National holiday",
        "Constitution",
        "Legislative branch",
        "Flag",
        "National symbol(s)",
        "National color(s)",
        "National anthem(s)",
        "National heritage",
    ],
    "Economy": ["Agricultural products", "Industries", "Exports - partners", "Exports - commodities"],
    "Communications": ["Internet country code"],
    "Transportation": ["Airports", "Railways", "Ports"],
}


def show(gitdir: str, commit: str, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", gitdir, "show", f"{commit}:{path}"], check=True, capture_output=True, text=True
    ).stdout


def write(name: str, filename: str, text: str) -> None:
    folder = HERE / name / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    text = re.sub(r"[ \t]+\n", "\n", text).strip() + "\n"
    (folder / filename).write_text(text, encoding="utf-8")


def go_faq(gitdir: str) -> None:
    """The Go FAQ (CC BY 4.0), one Markdown file per top-level section."""
    text = show(gitdir, COMMITS["go"], "_content/doc/faq.md")
    text = text.split("---", 2)[2]
    text = re.sub(r"\s*\{#[^}]*\}", "", text)
    text = re.sub(r"\{\{[^}]*\}\}", "", text)
    text = re.sub(r"</?(pre|code|b|i|em)[^>]*>", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # links: keep the words
    text = html.unescape(text)
    for part in re.split(r"\n(?=## )", text):
        part = part.strip()
        if not part.startswith("## "):
            continue
        title = part.splitlines()[0][3:].strip()
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        write("go-faq", f"{slug}.md", f"# Go FAQ: {title}\n" + part.split("\n", 1)[1])


def git_manual(gitdir: str) -> None:
    """Git manual pages (GPL-2.0), AsciiDoc source kept as plain text."""
    for page in GIT_PAGES:
        text = show(gitdir, COMMITS["git"], f"Documentation/git-{page}.adoc")
        lines = text.splitlines()
        title = next(line for line in lines if line.startswith(f"git-{page} - "))
        body = "\n".join(line for line in lines[2:] if not line.startswith("include::"))
        write("git-manual", f"git-{page}.txt", f"{title}\n\n{body}")


def pep_abstracts(gitdir: str, numbers: list[int]) -> None:
    """The Abstract section of public-domain Python Enhancement Proposals."""
    for number in numbers:
        text = show(gitdir, COMMITS["peps"], f"peps/pep-{number:04d}.rst")
        if "public domain" not in text.lower():
            continue
        title = re.search(r"^Title: (.+)$", text, re.M).group(1).strip()
        match = re.search(r"\nAbstract\n=+\n(.*?)\n\n[^\n]+\n[=-]+\n", text, re.S)
        if match is None or len(match.group(1)) < 200:
            continue
        abstract = re.split(r"\n\n(?:=+\n|-+\n|\.\. )", match.group(1))[0].strip()
        abstract = re.sub(r":pep:`(\d+)`", r"PEP \1", abstract)
        abstract = re.sub(r":[a-z:]+:`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", abstract)
        abstract = re.sub(r"`([^`<]+?)\s*<[^>]+>`_+", r"\1", abstract)
        abstract = abstract.replace("``", "")
        abstract = re.sub(r"\s*\[\d+\]_", "", abstract)
        abstract = re.sub(r"\s*\[#[^\]]*\]_", "", abstract)
        write("pep-abstracts", f"pep-{number:04d}.txt", f"PEP {number}: {title}\n\n{abstract}")


def _flatten(value: object) -> str:
    if isinstance(value, dict):
        if set(value) == {"text"}:
            return _clean(value["text"])
        parts = []
        for key, sub in value.items():
            if key in ("note",) and not isinstance(sub, dict):
                continue
            parts.append(f"{key}: {_flatten(sub)}" if key != "text" else _flatten(sub))
        return "; ".join(p for p in parts if p)
    return _clean(str(value))


def _clean(text: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def factbook(gitdir: str) -> None:
    """Country articles from the CIA World Factbook (public domain; CC0 JSON)."""
    for path, slug in COUNTRIES.items():
        data = json.loads(show(gitdir, COMMITS["factbook"], f"{path}.json"))
        name = _flatten(data["Government"]["Country name"].get("conventional short form", ""))
        out = [name, "", "## Background", "", _clean(data["Introduction"]["Background"]["text"])]
        for section, fields in FACT_FIELDS.items():
            out += ["", f"## {section}", ""]
            for field in fields:
                if field in data.get(section, {}):
                    out.append(f"{field}: {_flatten(data[section][field])}")
                    out.append("")
        write("factbook", f"{slug}.md", "\n".join(out))


PEPS = [
    8,
    20,
    202,
    203,
    207,
    218,
    227,
    234,
    238,
    255,
    263,
    274,
    279,
    282,
    285,
    289,
    292,
    308,
    309,
    318,
    322,
    328,
    338,
    343,
    380,
    389,
    405,
    412,
    418,
    435,
    441,
    448,
    450,
    461,
    465,
    484,
    492,
    498,
    506,
    525,
    526,
    557,
    570,
    572,
    584,
    585,
    604,
    618,
    634,
    636,
    657,
    668,
    678,
    695,
    701,
    703,
]


if __name__ == "__main__":
    go_dir, git_dir, peps_dir, factbook_dir = sys.argv[1:5]
    go_faq(go_dir)
    git_manual(git_dir)
    pep_abstracts(peps_dir, PEPS)
    factbook(factbook_dir)
