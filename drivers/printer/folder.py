"""Demo mode's A4 printer: every job becomes a PDF in a folder that the screen names.

Job ids continue across restarts (the highest number in the folder, plus one), so a job
journal reconciled after a crash finds its job again: a file that exists is a completed job.
Paper can be "taken out" for a demonstration of the failure path (`paper_out`).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from drivers.printer.a4 import JobState, PrinterState, PrinterUnavailableError, job_title

log = logging.getLogger(__name__)

_JOB_FILE = re.compile(r"^job-(\d+)(?:-.*)?\.pdf$")


class FolderPrinter:
    def __init__(self, folder: Path, name: str = "demo-folder") -> None:
        self.folder = folder
        self._name = name
        self._lock = threading.Lock()
        self.paper_out = False

    @property
    def name(self) -> str:
        return self._name

    def state(self) -> PrinterState:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PrinterUnavailableError(
                f"{self.name}: cannot make {self.folder}: {error}"
            ) from error
        if self.paper_out:
            return PrinterState(
                self.name, "stopped", True, ("media-empty-error",), "demo: no paper"
            )
        return PrinterState(self.name, "idle", True)

    def submit(self, pdf: bytes, title: str) -> int:
        safe_title = job_title(title)
        with self._lock:
            job_id = max(self._job_ids(), default=0) + 1
            target = self.folder / f"job-{job_id:04d}-{safe_title}.pdf"
            partial = target.with_suffix(".part")
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                partial.write_bytes(pdf)
                partial.rename(target)
            except OSError as error:
                raise PrinterUnavailableError(
                    f"{self.name}: cannot write {target}: {error}"
                ) from error
        log.info("demo printer: job %d written to %s (%d bytes)", job_id, target, len(pdf))
        return job_id

    def job_state(self, job_id: int) -> JobState:
        return JobState.COMPLETED if job_id in self._job_ids() else JobState.UNKNOWN

    def cancel(self, job_id: int) -> None:
        """A written file is a printed page: there is nothing left to cancel."""

    def jobs_titled(self, title: str, since: float) -> dict[int, JobState]:
        """A file is a printed page: every job of that title is completed."""
        if not self.folder.is_dir():
            return {}
        return {
            int(match.group(1)): JobState.COMPLETED
            for path in self.folder.glob(f"job-*-{job_title(title)}.pdf")
            if (match := _JOB_FILE.match(path.name)) and path.stat().st_mtime >= since - 1
        }

    def path_of(self, job_id: int) -> Path | None:
        return next(self.folder.glob(f"job-{job_id:04d}*.pdf"), None)

    def _job_ids(self) -> set[int]:
        if not self.folder.is_dir():
            return set()
        return {
            int(match.group(1))
            for path in self.folder.iterdir()
            if (match := _JOB_FILE.match(path.name))
        }
