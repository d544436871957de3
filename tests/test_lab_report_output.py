"""Where `make report` writes: a folder it cannot use is one line and exit 2 before any chart is
drawn; a failed write or Ctrl-C while it draws is one line too, and index.html is never half-written."""

import errno

import pytest

from fiberlab.lab import by_python
from fiberlab.lab import report as lab_report


@pytest.fixture
def results(tmp_path):
    """A results folder the report accepts (one by-interpreter file); build() is what the tests vary."""
    folder = tmp_path / "results"
    (folder / by_python.FOLDER).mkdir(parents=True)
    (folder / by_python.FOLDER / "pingpong.json").write_text("{}")
    return folder


def built_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(lab_report, "build", lambda *args: calls.append(args))
    return calls


def one_line(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    # the fixture's placeholder file is skipped in a line of its own, said before anything else
    lines = [line for line in err.strip().splitlines() if not line.startswith("lab_report: skipping ")]
    assert len(lines) == 1, err
    return lines[0]


def test_an_out_that_is_a_file_is_refused_before_any_chart(results, tmp_path, monkeypatch, capsys):
    calls = built_nothing(monkeypatch)
    existing = tmp_path / "existing"
    existing.write_text("mine\n")
    assert lab_report.main(["--results", str(results), "--out", str(existing)]) == 2
    assert "is a file, not a folder" in one_line(capsys)
    assert calls == [] and existing.read_text() == "mine\n"


def test_an_out_where_nothing_can_be_written_is_refused_before_any_chart(results, monkeypatch, capsys):
    calls = built_nothing(monkeypatch)
    # /proc refuses new files even to root, as a read-only mount does
    assert lab_report.main(["--results", str(results), "--out", "/proc/fiberlab-report"]) == 2
    assert "cannot write in it" in one_line(capsys)
    assert calls == []


@pytest.mark.parametrize("error, status, words", [
    (OSError(errno.ENOSPC, "No space left on device"), 2, "could not write the report"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_a_failure_while_the_page_is_drawn_is_one_line(results, tmp_path, monkeypatch, capsys, error, status, words):
    def build(*_args):
        raise error

    monkeypatch.setattr(lab_report, "build", build)
    assert lab_report.main(["--results", str(results), "--out", str(tmp_path / "report")]) == status
    assert words in one_line(capsys)
