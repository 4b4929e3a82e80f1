"""Crowd verdicts: careful people (right on gold digits) outweigh careless ones; confirmed label errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mnistdash.people.crowd import crowd_verdicts, gold_digits


def _answers(table: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame([{"who": w, "index": i, "answer": a} for w, row in table.items() for i, a in enumerate(row)])


LABELS = np.array([0, 1, 2, 3, 4, 5, 6])
GOLD = np.array([True, True, True, True, False, False, False])


def test_two_careful_people_outweigh_three_careless_ones():
    # careful: right on all four gold digits; careless: wrong on gold. On digit 4 the careful say 9, the careless 4.
    answers = _answers(
        {
            "care0001": ["0", "1", "2", "3", "9", "5", "6"],
            "care0002": ["0", "1", "2", "3", "9", "5", "6"],
            "slop0001": ["7", "7", "7", "7", "4", "5", "6"],
            "slop0002": ["8", "8", "8", "8", "4", "5", "6"],
            "slop0003": ["1", "0", "3", "2", "4", "5", "6"],
        }
    )
    v = crowd_verdicts(answers, LABELS, GOLD).set_index("index")
    assert v.loc[4, "crowd"] == "9"  # a plain majority would say 4 (3 against 2)
    assert v.loc[4, "4"] == 3 and v.loc[4, "9"] == 2
    assert bool(v.loc[4, "label_error"]) and v.loc[4, "agreement"] >= 0.8
    assert not v.loc[[5, 6], "label_error"].any()
    assert not v.loc[[0, 1, 2, 3], "label_error"].any()  # gold digits are never label errors


def test_one_person_never_confirms_an_error():
    v = crowd_verdicts(_answers({"solo0001": ["0", "1", "2", "3", "9", "5", "6"]}), LABELS, GOLD).set_index("index")
    assert v.loc[4, "crowd"] == "9" and not bool(v.loc[4, "label_error"])


def test_not_a_digit_is_an_answer_and_empty_input():
    v = crowd_verdicts(_answers({"a0000001": ["x"], "a0000002": ["x"]}), np.array([3]), np.array([False]))
    assert v.loc[0, "crowd"] == "x" and v.loc[0, "x"] == 2
    assert crowd_verdicts(pd.DataFrame(columns=["who", "index", "answer"]), LABELS, GOLD).empty


def test_gold_digits_are_where_every_model_and_label_agree():
    labels = np.array([0, 1, 2])
    eye = np.eye(10)
    probs = {"a": eye[[0, 1, 2]], "b": eye[[0, 7, 2]]}
    assert gold_digits(probs, labels).tolist() == [True, False, True]


def test_verdicts_in_words_say_how_many_and_how_sure():
    """The quiz's crowd table and the Errors grids say it in words, not 'crowd 0, 100%'."""
    from mnistdash.people.crowd import in_words

    assert in_words(1, "9", 1.0) == "1 person: 9 (one answer, too few to judge)"
    assert in_words(2, "9", 0.93) == "2 people: 9 (likely)"
    assert in_words(5, "7", 0.6) == "5 people: 7 (leaning)"
    assert in_words(4, "1", 0.4) == "4 people: 1 (unsure)"
    assert in_words(3, "x", 0.9) == "3 people: not a digit (likely)"
    assert in_words(2, "3", 0.9, name=lambda c: ["zero", "one", "two", "three"][c]) == "2 people: three (likely)"
