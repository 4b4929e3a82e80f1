"""The Draw page's stroke-by-stroke timeline: every model's answer after stroke 1, 2, 3 ... as a table of small cells,
the strokes where a model changed its mind marked, kept in session state in step with Undo and Clear."""

from __future__ import annotations

import html

import streamlit as st

from mnistdash.draw.live import Reading
from mnistdash.draw.strokes import models_in, record, steps
from mnistdash.ui.draw import canvas

_STATE = "draw_timeline"  # stroke count -> model -> (10,) probabilities
CHANGED = "#fde9b8"  # a pale amber under the cell where the answer changed (dark text stays 12:1)


def update(reading: Reading | None) -> dict:
    """Record this run's reading under the canvas's stroke count; returns the timeline."""
    timeline = record(st.session_state.get(_STATE, {}), canvas.stroke_count(), reading.probs if reading else None)
    st.session_state[_STATE] = timeline
    return timeline


def _cell(step) -> str:
    style = f"background:{CHANGED};font-weight:700" if step.changed else ""
    title = "changed its answer here" if step.changed else ""
    return (
        f"<td data-stroke='{step.strokes}' title='{title}' style='text-align:center;padding:2px 6px;line-height:1.1;{style}'>"
        f"<span style='font-size:1.15rem'>{step.answer}</span><br><span style='font-size:0.7rem'>{100 * step.probability:.0f}%</span></td>"
    )


def show(timeline: dict) -> None:
    """The table: a row per model, a column per recorded stroke."""
    st.subheader("Stroke by stroke")
    if not timeline:
        st.caption("Each stroke you draw adds a column here: every model's answer after it, and how sure it is.")
        return
    counts = sorted(timeline)
    head = "".join(f"<th scope='col' style='padding:2px 6px'>{k}</th>" for k in counts)
    rows = []
    for name in models_in(timeline):
        cells = "".join(_cell(s) for s in steps(timeline, name))
        rows.append(
            f"<tr><th scope='row' style='text-align:left;padding:2px 8px;font-weight:500'><code>{html.escape(name)}</code></th>{cells}</tr>"
        )
    first = counts[0]
    note = "" if first == 1 else f" The timeline starts at stroke {first}: the strokes before it reached the page together."
    st.markdown(
        f"<div style='overflow-x:auto'><table data-testid='stroke-timeline' data-strokes='{len(counts)}' "
        f"style='border-collapse:collapse;font-size:0.9rem'><caption style='caption-side:bottom;text-align:left;font-size:0.8rem'>"
        f"Each model's answer and its probability after each stroke; shaded: the stroke where it changed its mind.{note}</caption>"
        f"<thead><tr><th scope='col' style='text-align:left;padding:2px 8px'>after stroke</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>",
        unsafe_allow_html=True,
    )
