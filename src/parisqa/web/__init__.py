"""The web chat (Gradio): the last stage, a front end over :mod:`parisqa.api` and :mod:`parisqa.evaluation`.

``context`` holds what the tabs share; ``ask_tab``, ``index_tab`` and ``eval_tab`` build one tab each;
``app`` assembles the page; ``server`` reads host, port and password and serves it; ``collections``
makes one page per collection, links them and puts the API keys in front of them; ``render`` makes
the HTML; ``static/`` holds the stylesheet and scripts. Nothing in parisqa imports this package.
"""

from __future__ import annotations

import os

# No usage reporting or version checks: the page must work with no network.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from .app import build_app  # noqa: E402
from .server import launch, serve  # noqa: E402

__all__ = ["build_app", "launch", "serve"]
