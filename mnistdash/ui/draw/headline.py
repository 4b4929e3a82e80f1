"""The Draw page's headline digit: the strongest network's answer and confidence, or an explicit "unsure"."""

from __future__ import annotations

import html

from mnistdash.config import NAMED_CLASSES, class_name
from mnistdash.draw.headline import Verdict
from mnistdash.zoo.registry import LINEAR_MODELS

SURE_COLOUR, UNSURE_COLOUR = "inherit", "#8a5a00"  # dark amber: 6:1 on white


def show_verdict(container, v: Verdict) -> None:
    """The big digit (hook: data-testid / id 'draw-verdict', data-state sure|unsure), why, and every answer."""
    state = "unsure" if v.unsure else "sure"
    colour = UNSURE_COLOUR if v.unsure else SURE_COLOUR
    label = "unsure" if v.unsure else f"{100 * v.confidence:.0f}%"
    container.markdown(
        f"<div id='draw-verdict-box' style='display:flex;align-items:baseline;gap:14px;color:{colour}'>"
        f"<span id='draw-verdict' data-testid='draw-verdict' data-state='{state}' "
        f"style='font-size:{48 if NAMED_CLASSES else 96}px;font-weight:700;line-height:1'>{html.escape(class_name(v.digit))}</span>"
        f"<span data-testid='draw-verdict-state' style='font-size:28px;font-weight:600'>{label}</span></div>",
        unsafe_allow_html=True,
    )
    others = [n for n in v.deciding if n != v.leader]
    sure = f"**{v.leader}**, the most accurate model here, reads **{class_name(v.digit)}** at {100 * v.confidence:.0f}%"
    if v.unsure:
        container.markdown(f"**Unsure.** Best guess {class_name(v.digit)}: {sure}, but {v.reason}.")
    else:
        container.markdown(f"{sure}" + (f", and {', '.join(others)} agree." if others else "."))
    container.markdown(" · ".join(f"`{n}` **{a}**" for n, a in v.deciding.items()), help="the networks decide the headline")
    if v.secondary:
        kinds = "Linear models" if all(n in LINEAR_MODELS for n in v.secondary) else "Linear and imported models"
        container.caption(f"{kinds}, shown but not counted: " + " · ".join(f"`{n}` **{a}**" for n, a in v.secondary.items()))
