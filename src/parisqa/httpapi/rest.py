"""The REST surface for the rest of the product: ask, manage documents, rebuild the index.

``POST /api/ask`` returns the ``parisqa ask --json`` object; ``GET/POST /api/documents`` and
``DELETE /api/documents/{name}`` list, upload (the same checks as the web page's upload:
:mod:`parisqa.documents`) and delete corpus files; ``POST /api/index`` starts a rebuild in a
background thread and ``GET /api/index`` reports its state. Answers keep coming from the index in
place while it rebuilds.
"""

import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import ParisqaError, UploadRefused
from .service import Service, http_error


class Rebuild:
    """One background rebuild at a time, and the state of the last one.

    States: ``idle`` (none started), ``running``, ``done`` (with the summary) or ``failed`` (with
    the error). The engine serves the new index as soon as the build swaps it in.
    """

    def __init__(self, service: Service) -> None:
        self.service = service
        self._lock = threading.Lock()
        self.state = "idle"
        self.started: float | None = None
        self.finished: float | None = None
        self.summary: dict[str, Any] | None = None
        self.line: str | None = None
        self.warnings: list[str] = []
        self.error: str | None = None

    def start(self) -> bool:
        """Start a rebuild; ``False`` when one is already running."""
        with self._lock:
            if self.state == "running":
                return False
            self.state, self.started, self.finished = "running", time.time(), None
            self.summary, self.line, self.warnings, self.error = None, None, [], None
        threading.Thread(target=self._run, name="parisqa-api-rebuild", daemon=True).start()
        return True

    def _run(self) -> None:
        try:
            summary = self.service.engine().build(lock_wait=0)
        except ParisqaError as exc:
            state, error, summary = "failed", str(exc), None
        except Exception as exc:  # noqa: BLE001 - reported in GET /api/index, not a silently dead thread
            state, error, summary = "failed", f"the rebuild failed: {exc}", None
        else:
            state, error = "done", None
        with self._lock:
            self.state, self.error, self.finished = state, error, time.time()
            if summary is not None:
                self.summary, self.line, self.warnings = summary.to_dict(), summary.line(), list(summary.warnings)

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            end = self.finished or time.time()
            return {
                "state": self.state,
                "started": self.started,
                "finished": self.finished,
                "seconds": round(end - self.started, 3) if self.started else None,
                "summary": self.summary,
                "line": self.line,
                "warnings": list(self.warnings),
                "error": self.error,
            }


def router(service: Service, *, prefix: str = "/api", dependencies: list[Any] | None = None) -> Any:
    """The ``/api`` routes over ``service`` (authenticated when it has an API key).

    Args:
        prefix: where the routes go (``/api/collections/NAME`` for a named collection).
        dependencies: the access checks (default: ``service.api_key`` as a bearer key).
    """
    from fastapi import APIRouter, Depends, File, UploadFile
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, Field

    from ..corpus.folder import add_file, delete_document, list_documents
    from ..index.store import read_manifest
    from .auth import bearer_auth

    checks = dependencies if dependencies is not None else [Depends(bearer_auth(service.api_key))]
    api = APIRouter(prefix=prefix, tags=["parisqa"], dependencies=checks)
    if service.rebuild is None:  # one per collection, however many prefixes serve it
        service.rebuild = Rebuild(service)
    rebuild = service.rebuild

    class AskRequest(BaseModel):
        question: str = Field(description="what to ask")
        k: int | None = Field(default=None, ge=1, le=100, description="passages to retrieve (default: top_k)")
        mode: str = Field(default="hybrid", description="retrieval: hybrid, dense or bm25")
        generate: bool | None = Field(
            default=None, description="write the answer with the LLM and verify it (default: when one is configured)"
        )

    @api.post("/ask")
    def ask(request: AskRequest) -> dict[str, Any]:
        """Answer a question: the ``parisqa ask --json`` object."""
        try:
            return service.ask(request.question, k=request.k, generate=request.generate, mode=request.mode)
        except ParisqaError as exc:
            raise http_error(exc) from None

    @api.get("/documents")
    def documents() -> dict[str, Any]:
        """The corpus documents: status (indexed, new, changed, deleted, skipped), chunks, size."""
        problems: list[str] = []
        try:
            manifest = read_manifest(service.settings.index_dir)
        except ParisqaError as exc:
            manifest, problems = None, [str(exc)]
        rows, warnings = list_documents(service.settings.corpus_dir, manifest)
        return {"documents": [asdict(r) | {"pending": r.pending} for r in rows], "warnings": [*problems, *warnings]}

    @api.post("/documents", status_code=201)
    def upload(file: UploadFile = File(...)) -> dict[str, Any]:  # noqa: B008 - FastAPI's idiom
        """Add a document to the corpus (never overwriting one).

        .txt, .md, .pdf, .html, .htm, .docx, or a scan as .png, .jpg, .jpeg, .tif or .tiff.

        The content is checked against the extension; rebuild (``POST /api/index``) to answer from it.
        """
        limit = service.settings.upload_limit()
        name = file.filename or "upload.txt"
        with tempfile.TemporaryDirectory(prefix="parisqa-upload-") as tmp:
            path = Path(tmp) / "upload"
            data = file.file.read(limit + 1)  # the size check refuses it; never more in memory
            path.write_bytes(data)
            try:
                saved = add_file(service.settings.corpus_dir, path, name=name, limit=limit)
            except UploadRefused as exc:
                raise http_error(exc) from None
            except ParisqaError as exc:
                raise http_error(exc) from None
        return {
            "name": saved.name,
            "requested": saved.requested,
            "unchanged": saved.unchanged,
            "message": saved.message(),
        }

    @api.delete("/documents/{name:path}")
    def delete(name: str) -> dict[str, Any]:
        """Delete a corpus document (its path as listed); rebuild to drop it from answers."""
        try:
            delete_document(service.settings.corpus_dir, name)
        except ParisqaError as exc:
            raise http_error(exc) from None
        return {"deleted": name}

    @api.post("/index", status_code=202)
    def start_rebuild() -> Any:
        """Rebuild the index from the corpus in the background; poll ``GET /api/index``."""
        if not rebuild.start():
            return JSONResponse(
                status_code=409, content={"detail": "a rebuild is already running", **rebuild.to_dict()}
            )
        return rebuild.to_dict()

    @api.get("/index")
    def index_state() -> dict[str, Any]:
        """The last rebuild's state (idle, running, done, failed), the index's documents count and, when
        the folder is watched, ``sync``: the last sync (when, what changed, what was skipped)."""
        state = rebuild.to_dict()
        try:
            manifest = read_manifest(service.settings.index_dir)
        except ParisqaError as exc:
            manifest, state["index_error"] = None, str(exc)
        state["indexed_documents"] = len((manifest or {}).get("files", {}))
        if service.watch is not None:  # the folder is watched: its last sync (when, what changed, skipped)
            state["sync"] = service.watch.state()
        return state

    return api
