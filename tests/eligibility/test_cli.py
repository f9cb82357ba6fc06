"""The command line: JSON and SMS output, stdin, and exit status 2 naming the bad field."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from actions.eligibility.cli import main
from tests.eligibility.families import family

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def household_file(tmp_path):
    def write(household, raw=None):
        path = tmp_path / "household.json"
        path.write_text(raw if raw is not None else json.dumps(household), encoding="utf-8")
        return str(path)

    return write


def test_screen_prints_json(household_file, capsys):
    assert main(["screen", household_file(family())]) == 0
    output = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in output["programmes"]][:3] == [
        "orphan_allowance",
        "unsupported_child_allowance",
        "dibao",
    ]
    for programme in output["programmes"]:
        assert set(programme) == {"id", "decision", "reasons", "missing", "amount"}
        assert programme["reasons"]
    assert len(output["trace"]) == 9
    assert output["programmes"][2]["amount"] == {
        "yuan": 400,
        "per": "month",
        "basis": "household",
        "since": "2026-07-01",
        "floor": False,
    }


def test_screen_reads_stdin_and_prints_sms_text(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(family())))
    assert main(["screen", "-", "--text", "zh"]) == 0
    assert capsys.readouterr().out.startswith("孩子可能得到的帮助：\n1.低保（可以申请）")


def test_exact_money_stays_exact(household_file, capsys):
    raw = json.dumps(family()).replace(
        '"monthly_income_per_capita": 500', '"monthly_income_per_capita": 599.5'
    )
    assert main(["screen", household_file(None, raw), "--lang", "en"]) == 0
    reasons = json.loads(capsys.readouterr().out)["programmes"][2]["reasons"]
    assert reasons[0]["text"] == "Income of 599.5 yuan a person is below the dibao line of 600."


def test_next_prints_the_fact_and_its_question(household_file, capsys):
    assert main(["next", household_file({"region": "CN-51-demo"})]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "fact": "child.age",
        "question": "孩子今年几岁？回复数字，如：7",
    }


@pytest.mark.parametrize(
    ("household", "raw", "field"),
    [
        pytest.param(family(father__status="gone"), None, "father.status", id="unknown status"),
        pytest.param(family(child__age=-1), None, "child.age", id="negative age"),
        pytest.param(None, '{"child": {"age": 7},', "input", id="malformed JSON"),
        pytest.param(None, "[1, 2]", "household", id="not an object"),
    ],
)
def test_bad_input_exits_2_naming_the_field(household_file, capsys, household, raw, field):
    assert main(["screen", household_file(household, raw)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {field}: ")


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["screen", str(tmp_path / "absent.json")]) == 2
    assert capsys.readouterr().err.startswith("error: file: ")


def test_runs_as_a_module():
    def run(*args, stdin):
        return subprocess.run(
            [sys.executable, "-m", "actions.eligibility", *args],
            input=stdin, capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip

    done = run("screen", "-", "--text", "en", stdin=json.dumps(family()))
    assert (done.returncode, done.stdout.splitlines()[0]) == (0, "Help your child may get:")
    failed = run("screen", "-", stdin='{"father": {"status": "dead-ish"}}')
    assert (failed.returncode, failed.stderr.split(":")[:2]) == (2, ["error", " father.status"])
