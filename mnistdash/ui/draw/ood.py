"""The Draw page's "not a digit" notice and the measurement of the digit score behind it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistdash import store
from mnistdash.robustness.ood.build import OOD_KEY, load_scorer
from mnistdash.robustness.ood.score import FAMILY_QUANTILE, FEATURES, NEEDS, QUANTILE
from mnistdash.ui import cache, widgets

NOTICE_COLOUR = "#b00020"  # dark red: 6.5:1 on white


@st.cache_resource(show_spinner=False)
def scorer_or_reason():
    """The committed digit scorer, or the one-line reason it cannot be loaded."""
    try:
        return load_scorer()
    except store.StoreError as exc:
        return str(exc)


def scorer():
    """The digit scorer for read_digit, or None (then readings carry no score)."""
    s = scorer_or_reason()
    return None if isinstance(s, str) else s


def show_notice(reading) -> None:
    """Above the verdict: a prominent "not a digit" box when the score is below its threshold (the guesses
    stay, marked as guesses), else one quiet line with the score; hook: data-testid 'ood-notice', data-state."""
    s = scorer_or_reason()
    if isinstance(s, str) or reading.digit_score is None:
        why = s if isinstance(s, str) else f"it needs the {' and '.join(NEEDS)} models"
        st.caption(f"No digit-likeness check: {why}")
        return
    figure = f"digit score {reading.digit_score:.1f}; higher is more digit-like, under {s.threshold:.1f} is not a digit"
    if reading.not_a_digit:
        st.markdown(
            f"<div data-testid='ood-notice' data-state='not-a-digit' role='alert' style='border:3px solid {NOTICE_COLOUR};"
            f"border-radius:8px;padding:8px 12px;margin-bottom:8px;color:{NOTICE_COLOUR}'>"
            f"<div style='font-size:26px;font-weight:700'>This does not look like a digit</div>"
            f"<div>It is unlike the training digits ({figure}): every answer below is only a guess.</div></div>",
            unsafe_allow_html=True,
        )
    else:
        st.markdown(
            f"<div data-testid='ood-notice' data-state='digit' style='font-size:0.85rem'>Looks like a digit ({figure}).</div>",
            unsafe_allow_html=True,
        )


def show_measurement() -> None:
    """How well the score separates test digits from the non-digits made here: AUROC, share flagged, examples."""
    art = cache.artifact(OOD_KEY)
    with st.expander('How the "not a digit" check is measured', expanded=False):
        if isinstance(art, str):
            st.caption(f"No measurement: {art}")
            return
        st.markdown(
            f"The digit score is a logistic regression on what the models make of an input: "
            f"{', '.join(FEATURES[:-1])} and {FEATURES[-1]} (the 5th nearest of {len(art['bank']):,} training digits "
            f"there). It is fitted to tell training digits, as MNIST has them and as people bring them, from "
            f"non-digits made with another seed than the ones measured below. Its threshold keeps {QUANTILE:.1%} of "
            f"training digits, and {FAMILY_QUANTILE:.1%} of the training digits of each family of pictures people bring (photos, "
            f"scans, pens, coloured paper, a small digit on a page), each scored by a fit that left it out; it flags "
            f"**{100 * float(art['test_flagged'][0]):.1f}%** of {int(art['test_n'][0]):,} MNIST test digits."
        )
        if "families" in art:
            from mnistdash.images.families import HELD_BACK

            st.markdown("**Real digits flagged, per family of pictures** (test digits, a seed the check was not fitted on)")
            st.table(
                [
                    {
                        "family": str(f) + (" (held back: not fitted on)" if str(f) in HELD_BACK else ""),
                        "real digits flagged": f"{100 * float(v):.1f}%",
                        "pictures": int(art["family_n"][0]),
                    }
                    for f, v in zip(art["families"], art["family_flagged"])
                ]
            )
            st.markdown("**Non-digits caught, per kind**")
        rows = [
            {
                "kind": str(k),
                "AUROC (digits vs these)": float(a),
                "caught (flagged)": f"{100 * float(f):.1f}%",
                "caught, a fresh seed": f"{100 * float(h):.1f}%" if h == h else "-",
                "caught, this kind never fitted on": f"{100 * float(u):.1f}%" if u == u else "-",
                "refused by preprocessing": int(r),
            }
            for k, a, f, h, u, r in zip(
                art["kinds"],
                art["auroc"],
                art["flagged"],
                art.get("flagged_fresh", np.full(len(art["kinds"]), np.nan)),
                art.get("flagged_unseen", np.full(len(art["kinds"]), np.nan)),
                art["refused"],
            )
        ]
        st.dataframe(
            rows, hide_index=True, column_config={"AUROC (digits vs these)": st.column_config.NumberColumn(format="%.3f")}
        )
        st.caption(
            f"{int(art['per_kind'][0])} seeded images per kind, half dark ink on light paper, read like uploads; "
            'those preprocessing refuses ("no digit found") count as caught. "A fresh seed": as many images made with '
            'a seed that neither the fit nor the choice of its settings looked at. "Never fitted on": the score refitted '
            "without that kind's images, the figure to expect for a kind of non-digit nobody made here."
        )
        threshold = float(art["threshold"][0])
        for kind, images, scores in zip(art["kinds"], art["examples"], art["example_scores"]):
            st.markdown(f"**{kind}**")
            with st.container(horizontal=True):
                for image, score in zip(images, scores):
                    if np.isnan(score):
                        continue
                    caught = "flagged" if score < threshold else "missed"
                    with st.container(width=90, gap=None):
                        widgets.digit_image(
                            image.astype(np.float32),
                            f"{score:.1f} ({caught})",
                            alt=f"a non-digit ({kind}), score {score:.1f}, {caught}",
                        )
