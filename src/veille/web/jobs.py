"""Ingest from the desk: one job at a time, in a background thread, under the CLI's limits.

Uploaded files are written under a temporary folder of their own, each under its base name
only (a name cannot climb out of the folder), and read from there as the CLI reads files; the
folder is removed when the job ends. URLs must be http(s): a path given as a URL is refused.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from veille.errors import QueryError, VeilleError

MAX_URLS = 100
MAX_FILES = 50
KEPT_JOBS = 20  # finished jobs whose outcomes can still be read
NAME_CHARS = 200


class BusyError(VeilleError):
    """A job is running already."""


def base_name(name: str) -> str:
    """An uploaded file's own name, without any folder (either slash), or QueryError."""
    base = PureWindowsPath((name or "").replace("\x00", "")).name.strip()
    if base in ("", ".", "..") or base.startswith("."):
        raise QueryError(f"{(name or '')[:80]!r}: not a file name")
    if len(base) > NAME_CHARS:  # keep the suffix: it says how to read the file
        suffix = Path(base).suffix[:16]
        base = base[:NAME_CHARS - len(suffix)] + suffix
    return base


def check_urls(urls) -> list[str]:
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise QueryError('give {"urls": ["https://…", …]}: a list of one or more URLs')
    if len(urls) > MAX_URLS:
        raise QueryError(f"{len(urls)} URLs: at most {MAX_URLS} in one job")
    bad = [u for u in urls if not u.strip().lower().startswith(("http://", "https://"))]
    if bad:
        raise QueryError(f"{bad[0][:80]!r}: not an http(s) URL (the desk reads files only as uploads)")
    return [u.strip() for u in urls]


@dataclass
class Job:
    id: str
    total: int | None
    state: str = "running"
    outcomes: list[dict] = field(default_factory=list)
    error: str | None = None
    folder: Path | None = None  # uploads; shown names are relative to it

    def as_dict(self) -> dict:
        out = {"job": self.id, "state": self.state, "done": len(self.outcomes), "total": self.total,
               "outcomes": list(self.outcomes)}
        if self.error:
            out["error"] = self.error
        return out


class IngestJobs:
    def __init__(self, veille):
        self.veille = veille
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def new_folder(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="veille-upload-"))

    def start(self, targets: list[str], folder: Path | None = None) -> Job:
        from veille.readers import expand

        with self.lock:
            if any(j.state == "running" for j in self.jobs.values()):
                if folder:
                    shutil.rmtree(folder, ignore_errors=True)
                raise BusyError("an ingest job is running: wait for it to end (GET /api/ingest/<job>)")
            job = Job(uuid.uuid4().hex[:12], len(list(expand(targets))), folder=folder)
            self.jobs[job.id] = job
            for old in [k for k, j in self.jobs.items() if j.state == "done"][:-KEPT_JOBS]:
                del self.jobs[old]
        threading.Thread(target=self._run, args=(job, targets), name=f"ingest-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self.jobs.get(job_id)

    def _run(self, job: Job, targets: list[str]) -> None:
        from veille.show import outcome_lines

        def on_item(o):
            if job.folder is not None:  # an upload is shown by its own name, not the temporary folder's
                prefix = str(job.folder.resolve()) + "/"
                o.source = o.source[len(prefix):].split("/", 1)[-1] if o.source.startswith(prefix) else o.source
            job.outcomes.append({"source": o.source, "status": o.status, "id": o.id, "revision": o.revision,
                                 "reason": o.reason, "warnings": list(o.warnings),
                                 "line": outcome_lines(o)[0], "lines": outcome_lines(o)})

        try:
            report = self.veille.ingest(targets, on_item=on_item)
            if report.stopped:
                job.error = report.stopped
        except VeilleError as e:
            job.error = str(e)
        except Exception as e:  # noqa: BLE001 - a job must end, and say why
            job.error = f"ingest failed: {type(e).__name__}: {e}"
        finally:
            if job.folder is not None:
                shutil.rmtree(job.folder, ignore_errors=True)
            job.state = "done"
