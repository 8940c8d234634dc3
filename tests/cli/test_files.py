"""Paths the user named: OSErrors on them as one line, and output folders made before the work."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from assay._errors import AssayError
from assay._files import prepare_output, user_path_error


def test_an_error_under_a_named_output_names_it(tmp_path: Path) -> None:
    ex = FileNotFoundError(errno.ENOENT, "No such file or directory", str(tmp_path / "x"))
    line = user_path_error(ex, ["table", "a.eval", "-o", str(tmp_path / "x" / "t.parquet")])
    assert line == f"{tmp_path / 'x' / 't.parquet'}: {tmp_path / 'x'}: No such file or directory"


def test_a_key_value_argument_counts_as_named(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    ex = PermissionError(errno.EACCES, "Permission denied", str(script))
    assert user_path_error(ex, ["eval", "-M", f"script={script}"]) == f"{script}: Permission denied"


def test_a_folder_that_is_a_file_is_said_so(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    ex = NotADirectoryError(errno.ENOTDIR, "Not a directory", str(plain / "sub"))
    line = user_path_error(ex, ["--out", str(plain / "sub" / "r.json")])
    assert line == f"{plain / 'sub' / 'r.json'}: {plain} is a file, not a directory"


def test_an_error_on_a_path_nobody_named_stays_a_bug(tmp_path: Path) -> None:
    ex = FileNotFoundError(errno.ENOENT, "No such file or directory", "/usr/share/assay/data.json")
    assert user_path_error(ex, ["report", str(tmp_path / "a.eval"), "-o", str(tmp_path / "r.md")]) is None
    assert user_path_error(OSError("no file at all"), ["report", "x"]) is None


def test_prepare_output_makes_the_folder(tmp_path: Path) -> None:
    out = prepare_output(tmp_path / "a" / "b" / "r.json", "--out")
    assert out.parent.is_dir() and not out.exists()


def test_prepare_output_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(AssayError, match=r"^--out .*: is a directory; name a file$"):
        prepare_output(tmp_path, "--out")
