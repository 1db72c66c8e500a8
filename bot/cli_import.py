"""`debtdesk import accounts|payments FILE`: the operator's view of an import (ops/importer.py):
counts redrawn on the terminal while the file is read, and one summary line at the end."""

from __future__ import annotations

from typing import TextIO

from ops.importer import ImportReport


class TerminalProgress:
    """`\\r`-redrawn counts on a terminal (ops.importer.ProgressDisplay)."""

    def __init__(self, kind: str, stream: TextIO) -> None:
        self.kind, self.stream, self.shown = kind, stream, False

    def tick(self, rows: int, share: int) -> None:
        self.stream.write(f"\r{self.kind}: {rows:,} rows read ({share}%)")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
            self.shown = False


def terminal_progress(kind: str, stream: TextIO, wanted: bool | None) -> TerminalProgress | None:
    """The counter when asked for, or by default when the stream is a terminal."""
    return TerminalProgress(kind, stream) if (stream.isatty() if wanted is None else wanted) else None


def summary_line(report: ImportReport) -> str:
    text = (f"{report.kind}: {report.read} rows read, {report.changed} changed, "
            f"{report.unchanged} unchanged, {report.rejected} rejected")
    text += f", {len(report.notes)} noted" if report.notes else ""
    return text + (" (stopped early)" if report.fatal else "")
