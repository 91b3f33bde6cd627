"""Which collections a server holds and which API keys may use them: read from the command line, the
environment and ``parisqa.toml``.

A *collection* is a named corpus folder with its own index (and its own model and store). A *grant* is
an API key with the collections it may use and whether it may change them (upload, delete, rebuild).
Nothing here loads a model or opens an index: it is parsing and checking, like :mod:`parisqa.config`,
and every message names the bad value and the form expected.

Forms accepted:

- ``--collection NAME=DIR`` (repeatable): the corpus folder ``DIR``, its index in ``INDEX/NAME``
  (``INDEX`` being ``--index``/``PARISQA_INDEX``, default ``index/``).
- ``--api-key KEY`` (every collection, read and write, as before collections existed) or
  ``--api-key KEY:NAME[,NAME...][:read|:write]`` (those collections; write by default); ``*`` names
  every collection. ``PARISQA_API_KEYS`` holds the same forms separated by spaces or ``;``.
- ``parisqa.toml``::

      [collections.docs]
      corpus = "docs"            # relative paths are relative to the file
      index = "index/docs"       # default: index/<name> beside the file
      model = "multilingual"     # default: minilm
      store = "local"

      [[keys]]
      key_env = "DOCS_READER_KEY"  # or key = "..." (keep the file private then)
      collections = ["docs"]       # or "*"
      access = "read"              # or "write" (the default)
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import ConfigError

DEFAULT_COLLECTION = "default"
CONFIG_FILE = "parisqa.toml"
ACCESS = ("read", "write")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_ALL = "*"


def parse_name(value: str) -> str:
    """A collection name: 1 to 40 lower-case letters, digits, ``-`` or ``_``, starting with a letter or digit.

    Raises:
        ConfigError: any other name.
    """
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ConfigError(
            f"collection name must be 1-40 lower-case letters, digits, '-' or '_' (e.g. docs), got {value!r}"
        )
    return value


def parse_collection(value: str) -> tuple[str, Path]:
    """``"NAME=DIR"`` -> ``(NAME, Path(DIR))``.

    Raises:
        ConfigError: not ``NAME=DIR`` with a valid name and a folder.
    """
    name, sep, folder = str(value).partition("=")
    if not sep or not folder.strip():
        raise ConfigError(f"--collection must be NAME=DIR (e.g. --collection docs=./docs), got {value!r}")
    return parse_name(name.strip()), Path(folder.strip()).expanduser()


@dataclass(frozen=True)
class Grant:
    """One API key: the collections it may use (``None``: every one) and whether it may change them."""

    key: str = field(repr=False)  # a secret: kept out of reprs and logs
    collections: frozenset[str] | None = None
    write: bool = True

    def matches(self, given: str) -> bool:
        """Whether ``given`` is this key, compared in constant time."""
        return hmac.compare_digest(given.encode("utf-8"), self.key.encode("utf-8"))

    def allows(self, collection: str, *, write: bool = False) -> bool:
        """Whether this key may read (or, with ``write``, change) ``collection``."""
        scoped = self.collections is None or collection in self.collections
        return scoped and (self.write or not write)


def _access(value: str, where: str) -> bool:
    if value not in ACCESS:
        raise ConfigError(f"{where}: access must be one of {', '.join(ACCESS)}, got {value!r}")
    return value == "write"


def parse_key(value: str) -> Grant:
    """``KEY`` (every collection, write) or ``KEY:NAME[,NAME...][:read|:write]``.

    Raises:
        ConfigError: an empty key, a bad collection name or access; the message never shows the key.
    """
    text = str(value).strip()
    key, sep, rest = text.partition(":")
    if not key:
        raise ConfigError("--api-key must be KEY or KEY:NAME[,NAME...][:read|:write]; the key part is empty")
    if not sep:
        return Grant(key)
    names, _, access = rest.partition(":")
    write = _access(access, "--api-key") if access else True
    if names.strip() == _ALL:
        return Grant(key, None, write)
    if not names.strip():
        raise ConfigError("--api-key KEY:NAME needs at least one collection name after the ':' (or '*' for all)")
    return Grant(key, frozenset(parse_name(n.strip()) for n in names.split(",")), write)


def parse_keys(values: Iterable[str] | None, env: str | None = None) -> tuple[Grant, ...]:
    """The grants of ``--api-key`` values, else of ``PARISQA_API_KEYS`` (``env``) split on spaces and ``;``."""
    given = [v for v in values or () if v]
    if not given and env:
        given = [v for v in re.split(r"[\s;]+", env) if v]
    return tuple(parse_key(v) for v in given)


@dataclass(frozen=True)
class Catalog:
    """The collections one server holds (the first is the default) and the keys that may use them.

    Attributes:
        collections: name -> settings, in the order given; ``{"default": settings}`` when no
            collection was named (one collection, as before collections existed).
        grants: the API keys; none: every route is open (serve binds to 127.0.0.1 by default).
        named: whether the collections were named by the user (``--collection`` or the toml).
    """

    collections: Mapping[str, Settings]
    grants: tuple[Grant, ...] = ()
    named: bool = False

    def __post_init__(self) -> None:
        if not self.collections:
            raise ConfigError("a server needs at least one collection; pass --collection NAME=DIR")
        for grant in self.grants:
            unknown = sorted((grant.collections or frozenset()) - set(self.collections))
            if unknown:
                raise ConfigError(
                    f"an API key names collection {unknown[0]!r}, which is not served; "
                    f"the collections are: {', '.join(self.collections)}"
                )
        indexes: dict[Path, str] = {}
        for name, settings in self.collections.items():
            where = settings.index_dir.expanduser().absolute()
            if where in indexes:
                raise ConfigError(
                    f"collections {indexes[where]!r} and {name!r} share the index folder '{settings.index_dir}'; "
                    "give each its own index"
                )
            indexes[where] = name

    @property
    def default(self) -> str:
        return next(iter(self.collections))

    def grant_for(self, key: str) -> Grant | None:
        """The grant of ``key``, or ``None``; every grant is compared, so the time taken says nothing."""
        found = None
        for grant in self.grants:
            if grant.matches(key) and found is None:
                found = grant
        return found


def _settings_of(table: Mapping[str, Any], name: str, base: Path, defaults: Settings) -> Settings:
    known = {"corpus", "index", "model", "store", "chunk_tokens", "chunk_overlap", "top_k"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"[collections.{name}] has unknown setting {unknown[0]!r}; use: {', '.join(sorted(known))}")
    if "corpus" not in table:
        raise ConfigError(f'[collections.{name}] needs corpus = "DIR" (the collection\'s corpus folder)')

    def path(value: object) -> Path:
        p = Path(str(value)).expanduser()
        return p if p.is_absolute() else base / p

    values: dict[str, Any] = {"corpus_dir": path(table["corpus"])}
    values["index_dir"] = path(table["index"]) if "index" in table else base / "index" / name
    for key in ("model", "store", "chunk_tokens", "chunk_overlap", "top_k"):
        if key in table:
            values[key] = table[key]
    return defaults.with_(**values)


def _grants_of(rows: object) -> list[Grant]:
    if not isinstance(rows, list):
        raise ConfigError("keys in parisqa.toml must be [[keys]] tables")
    grants = []
    for n, row in enumerate(rows, 1):
        where = f"[[keys]] number {n}"
        if not isinstance(row, dict):
            raise ConfigError(f"{where} must be a table with key (or key_env), collections and access")
        key = row.get("key")
        if key is None and row.get("key_env"):
            key = os.environ.get(str(row["key_env"]))
            if not key:
                raise ConfigError(f"{where}: the variable {row['key_env']} named by key_env is not set")
        if not isinstance(key, str) or not key:
            raise ConfigError(f'{where} needs key = "..." or key_env = "VARIABLE"')
        names = row.get("collections", _ALL)
        scope = None if names == _ALL else frozenset(parse_name(str(x)) for x in (names or ()))
        if scope is not None and not scope:
            raise ConfigError(f'{where}: collections is empty; name some or use "*"')
        grants.append(Grant(key, scope, _access(str(row.get("access", "write")), where)))
    return grants


def read_toml(path: Path, defaults: Settings) -> tuple[dict[str, Settings], list[Grant]]:
    """The collections and keys of a ``parisqa.toml``.

    Raises:
        ConfigError: the file cannot be read or parsed, or holds a bad value.
    """
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read '{path}' ({exc.strerror}); pass an existing file with --config") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"'{path}' is not valid TOML ({exc}); fix the line named") from None
    tables = data.get("collections", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"'{path}': collections must be tables, e.g. [collections.docs]")
    base = Path(path).expanduser().absolute().parent
    collections = {parse_name(n): _settings_of(t, n, base, defaults) for n, t in tables.items()}
    return collections, _grants_of(data.get("keys", []))


def config_path(given: str | None) -> Path | None:
    """The settings file: ``given``, else ``PARISQA_CONFIG``, else ``./parisqa.toml`` when it exists."""
    chosen = given or os.environ.get("PARISQA_CONFIG") or None
    if chosen:
        return Path(chosen).expanduser()
    here = Path(CONFIG_FILE)
    return here if here.is_file() else None


def catalog(
    settings: Settings,
    *,
    collections: Sequence[str] = (),
    api_keys: Sequence[str] = (),
    config: str | None = None,
) -> Catalog:
    """The server's collections and keys from ``--collection``, ``--api-key``, the environment and the toml.

    With no collection named anywhere, the one collection is ``settings`` itself, named ``default``
    (today's behaviour). ``--collection`` values come after the toml's; a name given twice is refused.
    Keys: ``--api-key`` values, else ``PARISQA_API_KEYS``, else ``settings.api_key``/``PARISQA_API_KEY``
    (one key for everything); the toml's ``[[keys]]`` are added to them.

    Raises:
        ConfigError: a bad name, folder, key or file.
    """
    found: dict[str, Settings] = {}
    grants: list[Grant] = []
    path = config_path(config)
    if path is not None:
        found, grants = read_toml(path, settings)
    for value in collections:
        name, folder = parse_collection(value)
        if name in found:
            raise ConfigError(f"collection {name!r} is given twice; give each collection one name")
        found[name] = settings.with_(corpus_dir=folder, index_dir=settings.index_dir / name)
    named = bool(found)
    return Catalog(found or {DEFAULT_COLLECTION: settings}, grants_of(settings, api_keys) + tuple(grants), named)


def grants_of(settings: Settings, api_keys: Sequence[str] = ()) -> tuple[Grant, ...]:
    """The keys of ``--api-key`` values, else ``PARISQA_API_KEYS``, else ``settings.api_key`` or
    ``PARISQA_API_KEY`` (one key for everything, as before collections existed).

    Raises:
        ConfigError: a bad key form.
    """
    keys = parse_keys(api_keys, os.environ.get("PARISQA_API_KEYS"))
    single = settings.api_key or os.environ.get("PARISQA_API_KEY")
    return keys or ((Grant(single),) if single else ())


def collection_settings(settings: Settings, value: str | None, config: str | None = None) -> Settings:
    """The settings of one collection for ``parisqa ask``/``index --collection``: ``NAME=DIR`` (its
    index in ``INDEX/NAME``), or ``NAME`` from the toml; ``settings`` itself when ``value`` is empty.

    Raises:
        ConfigError: a bad value, or a name the toml does not hold.
    """
    if not value:
        return settings
    if "=" in value:
        name, folder = parse_collection(value)
        return settings.with_(corpus_dir=folder, index_dir=settings.index_dir / name)
    name = parse_name(value)
    path = config_path(config)
    found = read_toml(path, settings)[0] if path is not None else {}
    if name not in found:
        where = f"'{path}'" if path is not None else f"no {CONFIG_FILE} here (nor PARISQA_CONFIG)"
        known = f"; it holds: {', '.join(found)}" if found else ""
        raise ConfigError(
            f"collection {name!r} is not in {where}{known}; pass --collection {name}=DIR or add [collections.{name}]"
        )
    return found[name]


def watch_flag(value: bool | None) -> bool:
    """``--watch``, else ``PARISQA_WATCH`` (1/true/yes/on or 0/false/no/off), else off.

    Raises:
        ConfigError: any other PARISQA_WATCH value.
    """
    if value:
        return True
    env = (os.environ.get("PARISQA_WATCH") or "").strip().lower()
    if env in ("", "0", "false", "no", "off"):
        return False
    if env in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"PARISQA_WATCH must be 1 or 0 (true/false, yes/no, on/off), got {env!r}")
