"""Class names come with the dataset: classes.txt beside the files, the digits when absent or unusable."""

from __future__ import annotations

from mnistdash.config import DIGITS, read_class_names


def test_names_from_classes_txt(tmp_path):
    (tmp_path / "classes.txt").write_text(
        "T-shirt/top\nTrouser\nPullover\nDress\nCoat\nSandal\nShirt\nSneaker\nBag\nAnkle boot\n"
    )
    names, problem = read_class_names(tmp_path)
    assert names[1] == "Trouser" and names[9] == "Ankle boot" and problem == ""


def test_no_file_means_digits(tmp_path):
    assert read_class_names(tmp_path) == (DIGITS, "")


def test_a_bad_file_is_named_in_one_line_and_digits_are_used(tmp_path):
    (tmp_path / "classes.txt").write_text("a\nb\nc\n")
    names, problem = read_class_names(tmp_path)
    assert names == DIGITS and "has 3 names; it needs 10 different ones" in problem and "\n" not in problem
    (tmp_path / "classes.txt").write_bytes(b"\xff\xfe\xfa")
    names, problem = read_class_names(tmp_path)
    assert names == DIGITS and "cannot be read" in problem
