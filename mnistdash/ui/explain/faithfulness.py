"""The faithfulness leaderboard (the Trust the maps page): every method scored on every model (deletion, insertion,
SRG, faithfulness correlation, ROAD, sparseness, max-sensitivity) with 95% intervals, the best per model marked, the
metrics checked on the linear models' exact answer, and how far the metrics agree with each other; and this digit's
deletion strip (the Explain page)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mnistdash.explain import METHODS, methods_for
from mnistdash.explain import faithfulness as fa
from mnistdash.plots.pictures import digit_uri
from mnistdash.ui import cache
from mnistdash.ui.explain.attributions import grid_calls, test_attribution, two_at_once

STRIP_KEY = "explain_strip"  # the Explain page's deletion strip, opened on demand (the URL's strip=1)
NAMES = {fa.EXACT: "exact w·x", fa.RANDOM: "random map (knows nothing)"}
# The leaderboard's column widths in pixels: every metric's column as wide as its neighbours, so the table reads as
# a grid (and a header's place on screen follows from the widths).
WIDTHS = {"model": 150, "method": 200, "metric": 120, "interval": 130}


def _label(method: str) -> str:
    return NAMES.get(method) or METHODS[method].label


def table(arrays: dict) -> pd.DataFrame:
    """One row per model and method: each metric's mean and its 95% interval, and the metrics it is best at."""
    best = fa.best(arrays)
    rows = {}
    for r in fa.rows(arrays):
        row = rows.setdefault((r["model"], r["method"]), {"model": r["model"], "method": _label(r["method"]), "best at": []})
        row[r["metric"]] = r["value"]
        row[f"{r['metric']} 95%"] = f"{r['low']:.3f} to {r['high']:.3f}"
        if best.get((r["model"], r["metric"])) == r["method"]:
            row["best at"].append(r["metric"])
    frame = pd.DataFrame(list(rows.values()))
    frame["best at"] = ["★ " + ", ".join(b) if b else "" for b in frame["best at"]]
    return frame


def _imported_note(arrays: dict) -> str:
    """A sentence naming the imported models on the board and the digits they were scored over, or nothing."""
    builtin = len(arrays["index"])
    extra = [(str(m), int(d)) for m, d in zip(arrays["models"], arrays["digits"]) if int(d) != builtin]
    if not extra:
        return ""
    return " Imported models are scored when imported, over fewer digits: " + ", ".join(f"{m} over {d:,}" for m, d in extra) + "."


@st.cache_resource
def _board() -> tuple:
    """What the leaderboard shows, computed once per server from the artifact (about 160 ms: the Kendall taus, the
    table, the checks), not on every rerun of the page: (table, best, checker checks, (metric names, tau))."""
    arrays = cache.leaderboard()
    return table(arrays), fa.best(arrays), fa.checker_check(arrays), fa.agreement(arrays)


def leaderboard_section(focus: str) -> None:
    """The leaderboard with a sentence per metric; the focus model's best method in words; the checks on the
    linear models; the metrics' agreement."""
    st.header("How far to trust each map, measured")
    arrays = cache.leaderboard()
    if isinstance(arrays, str):
        st.warning(f"The faithfulness leaderboard is unavailable: {arrays}; run `mnistdash train --only faithfulness`.")
        return
    frame, best, checks, (names, tau) = _board()
    # a store built before ROAD joined has neither its column nor its count: shown without them
    n, sens, road = len(arrays["index"]), int(arrays["sensitivity_digits"]), int(arrays.get("road_digits", 0))
    st.markdown(
        f"Every method on every model, over {n:,} seeded test digits (max-sensitivity over the first {sens}"
        + (f", ROAD over the first {road}" if road else "")
        + "), each "
        "explained for the class its model reads: the mean, and the range that holds the true mean 95 times in 100 "
        "(bootstrap). A random map is scored beside the methods: a method should beat it. Click a column to sort."
        + _imported_note(arrays)
    )
    metrics = [str(m) for m in arrays["metrics"] if str(m) in fa.METRICS]
    st.markdown("\n".join(f"- **{m}**: {fa.METRICS[m][1]}" for m in metrics))
    config = {
        "model": st.column_config.TextColumn(width=WIDTHS["model"]),
        "method": st.column_config.TextColumn(width=WIDTHS["method"]),
        **{m: st.column_config.NumberColumn(format="%.3f", width=WIDTHS["metric"]) for m in metrics},
        **{f"{m} 95%": st.column_config.TextColumn(width=WIDTHS["interval"]) for m in metrics},
    }
    order = ["model", "method"] + [c for m in metrics for c in (m, f"{m} 95%")] + ["best at"]
    st.dataframe(frame[order], hide_index=True, column_config=config, key="faith_table")
    if (focus, "SRG") in best:
        worst = frame[(frame["model"] == focus) & ~frame["method"].isin(NAMES.values())].sort_values("SRG")
        st.markdown(
            f"On **{focus}**, {_label(best[(focus, 'SRG')])} is the most faithful of the methods here by SRG; "
            f"{worst['method'].iloc[0]} the least."
        )
    failed = [c for c in checks if not c["recognises the right answer"]]
    st.subheader("Checking the checkers on the exact answer")
    st.markdown(
        "On a linear model the true contribution of every pixel is known (w·x). A metric worth reading ranks it at or "
        "near the top, and the random map last. These metrics watch the class's probability, which every class's "
        "weights move, while w·x explains the class's own score: where the classes' templates overlap (the class "
        "means), another order of the pixels can lower the probability faster. ROAD fills each removed pixel in from "
        "its neighbours instead of blanking it, so it rewards something else again: which pixels the model needs "
        "that their neighbours cannot stand in for."
    )
    if failed:  # findings about the metrics, not faults of the page: listed, not raised as warnings
        st.markdown(
            "\n".join(
                f"- ⚠️ **{c['metric']}** does not recognise the right answer on a linear model ({c['model']}): the "
                f"exact w·x ranks {c['exact rank']} of {c['methods']}, the random map {c['random rank']}."
                for c in failed
            )
        )
    if checks and not failed:
        st.success(
            f"Every faithfulness metric ranks the exact answer first or second and the random map last, on all "
            f"{len({c['model'] for c in checks})} linear models.",
            icon="✅",
        )
    st.dataframe(pd.DataFrame(checks), hide_index=True, key="faith_checks")
    with st.expander("Do the metrics agree? (Kendall's tau of their rankings of the methods, mean over the models)"):
        st.dataframe(pd.DataFrame(np.round(tau, 2), index=names, columns=names), key="faith_tau")
        st.caption("1: the two metrics order the methods the same way; 0: unrelated; -1: opposite.")


@st.cache_data(max_entries=500, show_spinner=False)  # ~130 ms at most; also run on a worker thread (no spinner)
def _digit_scores(model: str, index: int | str, target: int, methods: tuple[str, ...]) -> dict:
    """method -> (pictures at STRIP, the target's probability at each, this digit's SRG, its deletion AUC): every
    method's deletion curves in one batch of model calls."""
    clf, digit = cache.models()[model], cache.digit(index)
    maps = np.stack(
        [fa.random_map(digit[None])[0] if m == fa.RANDOM else test_attribution(model, index, m, target) for m in methods]
    )
    c = fa.curves(clf, np.repeat(digit[None], len(methods), 0), np.full(len(methods), target), maps, kinds=("morf", "lerf"))
    steps = [int(np.argmin(np.abs(fa.FRACTIONS - f))) for f in fa.STRIP]
    srg, deletion = fa.area(c["lerf"]) - fa.area(c["morf"]), fa.area(c["morf"])
    return {
        m: (fa.removed(digit, maps[i]), c["morf"][i, steps], float(srg[i]), float(deletion[i])) for i, m in enumerate(methods)
    }


def board_srg(model: str) -> dict[str, float]:
    """method -> the leaderboard's mean SRG for `model` ({} when the model is not on the board)."""
    arrays = cache.leaderboard()
    if isinstance(arrays, str) or model not in list(arrays["models"]):
        return {}
    i, k = list(arrays["models"]).index(model), list(arrays["metrics"]).index("SRG")
    return {str(m): float(arrays["value"][i, j, k]) for j, m in enumerate(arrays["methods"])}


def digit_srg(model: str, index: int | str, target: int, methods) -> dict[str, float]:
    """method -> this digit's SRG for `model`'s class `target`, every method's curves in one batch of model calls
    (the maps are the grid's, already cached)."""
    methods = tuple(m for m in methods if m in methods_for(cache.models()[model]))
    return {m: s[2] for m, s in _digit_scores(model, index, target, methods).items()} if methods else {}


def srg_table(srg: dict[str, dict[str, float]], methods: list[str]) -> None:
    """The grid's maps scored on this digit: a model x method table of SRG beside the leaderboard's mean, and a
    line per model naming the most and the least faithful map shown."""
    cells, verdicts = {}, []
    for model, scores in srg.items():
        board = board_srg(model)
        cells[model] = {
            METHODS[m].label: f"{scores[m]:.2f}" + (f" ({board[m]:.2f})" if m in board else "") if m in scores else "-"
            for m in methods
        }
        ranked = sorted(scores, key=scores.get, reverse=True)
        if len(ranked) >= 2:
            verdicts.append(
                f"- **{model}**: {_label(ranked[0])} ({scores[ranked[0]]:.2f}) the most faithful of the {len(ranked)} "
                f"shown, {_label(ranked[-1])} ({scores[ranked[-1]]:.2f}) the least"
            )
    arrays = cache.leaderboard()
    st.markdown(
        "**How faithful is each map on this digit?** SRG for the class each model reads: its pixels removed in the "
        "map's order, least relevant first against most relevant first (0: no better than a random order, up to 1)."
        + ("" if isinstance(arrays, str) else f" In brackets, the mean over the leaderboard's {len(arrays['index']):,} digits.")
    )
    st.dataframe(pd.DataFrame.from_dict(cells, orient="index"), width="stretch", key="grid_srg")
    if verdicts:
        st.markdown("On this digit:\n" + "\n".join(verdicts))


def digit_section(focus: str, index: int | str, target: int) -> None:
    """This digit's deletion strip for the focus model: the digit with 0, 10, 20 and 50% of its pixels removed in
    each method's order (most relevant first), its SRG beside the leaderboard's mean, and a one-line verdict."""
    methods = tuple(methods_for(cache.models()[focus])) + (fa.RANDOM,)
    two_at_once(grid_calls(focus, index, methods[:-1], [target]))  # the maps the grid lacks, on the two cores
    scores = _digit_scores(focus, index, target, methods)
    board = board_srg(focus)
    st.caption(
        "Each row takes away the pixels its map calls most important first (set to black): a faithful map makes the "
        f"model lose class {target} quickly. Under each picture, the probability {focus} still gives it; SRG sums up "
        "the whole curve (0 for a random map, up to 1)."
    )
    head = "| method | " + " | ".join(f"{100 * f:g}% removed" for f in fa.STRIP) + " | SRG, this digit | SRG, leaderboard mean |"
    lines = [head, "|---" * (len(fa.STRIP) + 3) + "|"]
    for m in methods:
        pictures, p, srg, _ = scores[m]
        plain = _label(m).replace("|", "")  # saliency |grad|: a pipe would end the table's cell
        cells = [
            f'<img src="{digit_uri(pic, 2)}" alt="{100 * f:g}% of the pixels removed in the order of {plain}"'
            f' data-testid="faith-strip" width="56"><br>p = {q:.2f}'
            for pic, f, q in zip(pictures, fa.STRIP, p)
        ]
        mean = board.get(m, np.nan)
        lines.append(
            f"| {_label(m).replace('|', chr(92) + '|')} | "
            + " | ".join(cells)
            + f" | {srg:.3f} | {mean:.3f} |".replace("| nan |", "| - |")
        )
    st.markdown("\n".join(lines), unsafe_allow_html=True)
    ranked = sorted((m for m in methods if m not in (fa.RANDOM, fa.EXACT)), key=lambda m: scores[m][2], reverse=True)
    if len(ranked) >= 2:
        st.markdown(
            f"On this digit and {focus}, **{_label(ranked[0])}** is the most faithful of the {len(ranked)} methods here "
            f"(SRG {scores[ranked[0]][2]:.2f}); **{_label(ranked[-1])}** the least ({scores[ranked[-1]][2]:.2f})."
        )
