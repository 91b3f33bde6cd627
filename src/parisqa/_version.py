"""The package version, in a module of its own so the index build can stamp it without importing the package root.

``pyproject.toml`` reads it as the dynamic version (as bm25s does).
"""

__version__ = "0.1.0"
