"""Export and import of judgements as CSV or JSON: merge colleagues' stores, or mislabel-table CSVs made before the store.

A row is an answer (`kind` "answer": split, index, answer 0-9/x, who, when, source, round_id) or a
mislabel-table verdict (`kind` "verdict": split, index, verdict, who, when). A CSV downloaded from the
table before the store existed (split, index, ..., verdict; no who/when) is read as verdicts of one
person named after the file. An import is one transaction: a bad row refuses the whole file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from mnistdash.errors import ImportRefused  # noqa: F401  (raised here, imported from here)
from mnistdash.people.db import ReviewStore, check_answer, now
from mnistdash.people.verdicts import VERDICTS

COLUMNS = ["kind", "split", "index", "answer", "verdict", "who", "when", "source", "round_id"]


def export_frame(store: ReviewStore) -> pd.DataFrame:
    a = store.answers().drop(columns=["id"]).assign(kind="answer", verdict="")
    v = store.verdicts(latest=False).drop(columns=["id"]).assign(kind="verdict", answer="", source="", round_id="")
    frame = pd.concat([a, v], ignore_index=True) if len(v) else a
    frame = frame.reindex(columns=COLUMNS).fillna("")
    frame["index"] = frame["index"].astype(int)
    return frame.sort_values(["when", "kind", "who", "split", "index", "answer", "verdict"], kind="stable").reset_index(drop=True)


def export_text(store: ReviewStore, fmt: str = "csv") -> str:
    frame = export_frame(store)
    if fmt == "json":
        return json.dumps(frame.to_dict("records"), indent=1, ensure_ascii=False) + "\n"
    return frame.to_csv(index=False, lineterminator="\n")


def read_rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportRefused(f"{path.name} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ImportRefused(f"{path.name}: expected a JSON list of objects, one per judgement")
        return rows
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportRefused(f"{path.name} is not a readable CSV ({str(exc).splitlines()[0]})") from None
    return frame.to_dict("records")


def check_rows(rows: list[dict], name: str) -> tuple[list[dict], list[dict]]:
    """Rows as read -> (answer rows, verdict rows) for the store; ImportRefused names the first bad row (1 = first data row)."""
    old_csv = bool(rows) and "verdict" in rows[0] and "answer" not in rows[0] and "who" not in rows[0]
    answer_rows, verdict_rows = [], []
    for n, row in enumerate(rows, start=1):
        row = {k: ("" if v is None else str(v).strip()) for k, v in row.items()}
        kind = row.get("kind") or ("verdict" if old_csv or (row.get("verdict") and not row.get("answer")) else "answer")
        who = row.get("who") or (f"import:{name}" if old_csv else "")
        when = row.get("when") or (now() if old_csv else "")
        try:
            index = int(row.get("index", ""))
        except ValueError:
            raise ImportRefused(f"row {n}: index {row.get('index', '')!r} is not a whole number") from None
        try:
            if not who or not when:
                raise ValueError("missing 'who' or 'when'")
            if kind == "answer":
                check_answer(row.get("split", ""), index, row.get("answer", ""))
                answer_rows.append(
                    {
                        "split": row["split"],
                        "idx": index,
                        "answer": row["answer"],
                        "who": who[:64],
                        "at": when,
                        "source": (row.get("source") or "import")[:16],
                        "round_id": row.get("round_id") or None,
                    }
                )
            elif kind == "verdict":
                check_answer(row.get("split", ""), index, "x")
                if row.get("verdict", "") not in (*VERDICTS, ""):
                    raise ValueError(f"verdict {row.get('verdict')!r} is not one of {', '.join(VERDICTS)}")
                verdict_rows.append(
                    {"split": row["split"], "idx": index, "verdict": row.get("verdict", ""), "who": who[:64], "at": when}
                )
            else:
                raise ValueError(f"kind {kind!r} is not 'answer' or 'verdict'")
        except ValueError as exc:
            raise ImportRefused(f"row {n}: {exc}") from None
    return answer_rows, verdict_rows


def import_file(store: ReviewStore, path: Path) -> tuple[int, int]:
    """Every row of the file in one transaction, or none; returns (answers, verdicts) added."""
    answer_rows, verdict_rows = check_rows(read_rows(path), path.stem)
    store.add_many(answer_rows, verdict_rows)
    return len(answer_rows), len(verdict_rows)
