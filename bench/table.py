"""The results as rows of a table: what was measured, the target, and whether it was met."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MEMORY_LIMIT_MB = 200.0


@dataclass(frozen=True)
class Row:
    benchmark: str
    measured: str
    target: str = ""
    met: bool | None = None  # None: no target for this row, only context

    def as_dict(self) -> dict:
        return asdict(self)


def memory_row(label: str, peak_mb: float) -> Row:
    return Row(f"{label}: peak memory (max RSS)", f"{peak_mb:.0f} MB", f"< {MEMORY_LIMIT_MB:.0f} MB",
               peak_mb < MEMORY_LIMIT_MB)


def render(rows: list[Row]) -> str:
    """A Markdown table, so the same text reads in a terminal and pastes into the README."""
    header = ("Benchmark", "Measured", "Target", "Met")
    cells = [header] + [
        (r.benchmark, r.measured, r.target or "-", "-" if r.met is None else ("yes" if r.met else "NO"))
        for r in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]

    def line(values) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                     + [line(c) for c in cells[1:]])
