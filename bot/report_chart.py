"""The report's weekly chart as a PNG a manager can read: promises made in the chat and kept,
per ISO week, as grouped bars with axes, labels and a legend (matplotlib, drawn off-screen).

matplotlib is an optional extra (`pip install 'debtdesk[chart]'`): a bank server that never
draws a chart does not need it, so it is imported only when a chart is asked for.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

WIDTH_IN, HEIGHT_IN, DPI = 10, 5, 100  # 1000 x 500 pixels
MADE_COLOUR, KEPT_COLOUR = "#78909c", "#2e7d32"


class ChartUnavailable(RuntimeError):
    """matplotlib is not installed."""


def weekly_figure(weeks: list[dict[str, Any]], as_of: str) -> Any:
    """The chart as a matplotlib Figure: one pair of bars (made, kept) per week, or a sentence
    when there is nothing to draw (a blank image would look like a fault)."""
    try:
        from matplotlib.figure import Figure  # no pyplot: no global state, no display needed
    except ImportError:
        raise ChartUnavailable("drawing a chart needs matplotlib: pip install 'debtdesk[chart]'") from None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.subplots()
    if weeks:
        _bars(ax, weeks, as_of)
    else:
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"No promises were made in the chat up to {as_of}.\nNothing to chart yet.",
                ha="center", va="center", fontsize=16, transform=ax.transAxes)
    fig.tight_layout()
    return fig


def weekly_chart(weeks: list[dict[str, Any]], as_of: str) -> bytes:
    """The chart as PNG bytes."""
    buffer = BytesIO()
    weekly_figure(weeks, as_of).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _bars(ax: Any, weeks: list[dict[str, Any]], as_of: str) -> None:
    positions = range(len(weeks))
    width = 0.4
    made = ax.bar([x - width / 2 for x in positions], [w["made"] for w in weeks], width,
                  label="promises made", color=MADE_COLOUR)
    kept = ax.bar([x + width / 2 for x in positions], [w["kept"] for w in weeks], width,
                  label="promises kept", color=KEPT_COLOUR)
    ax.bar_label(made, padding=2)
    ax.bar_label(kept, padding=2)
    ax.set_xticks(list(positions), [w["week"] for w in weeks], rotation=45 if len(weeks) > 8 else 0)
    ax.set_xlabel("ISO week the promise was made")
    ax.set_ylabel("promises")
    ax.yaxis.get_major_locator().set_params(integer=True)  # counts: no 0.5 of a promise
    ax.set_ylim(0, max(max(w["made"], w["kept"]) for w in weeks) * 1.15 + 1)
    ax.set_title(f"Promises made in the chat and kept, per week (as of {as_of})")
    ax.legend(loc="upper left")
    ax.grid(axis="y", alpha=0.3)
