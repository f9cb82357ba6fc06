"""Command line: screen a household JSON file (or stdin) and print the result as JSON or SMS
text; print the next question; list every figure with its source for review."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from .facts import _date, _region
from .figures import listing, problems
from .model import InvalidFact
from .questions import next_question, question
from .screening import screen
from .text import result_dict, result_text

USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.eligibility", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    screening = commands.add_parser("screen", help="print every programme's decision")
    screening.add_argument("file", help="household JSON file, or - for stdin")
    screening.add_argument("--text", choices=("zh", "en"), help="print the SMS text instead")
    screening.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of reasons")
    asking = commands.add_parser("next", help="print the fact to ask next and its question")
    asking.add_argument("file", help="household JSON file, or - for stdin")
    asking.add_argument("--lang", choices=("zh", "en"), default="zh", help="question language")
    review = commands.add_parser(
        "facts", help="list every figure with its source, date and age; exit 1 if one has none"
    )
    review.add_argument("--region", default="CN", help="region code, e.g. CN-51-demo")
    review.add_argument("--date", help="the date to review on (default today)")
    args = parser.parse_args(argv)

    try:
        if args.command == "facts":
            return _facts(_region(args.region), _date(args.date))
        household = _read(args.file)
        if args.command == "next":
            fact = next_question(household)
            text = None if fact is None else question(fact, args.lang)
            _print_json({"fact": fact, "question": text})
        elif args.text:
            print(result_text(screen(household), args.text))
        else:
            _print_json(result_dict(screen(household), args.lang))
    except InvalidFact as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    return 0


def _facts(region: str, on: Any) -> int:
    print(listing(region, on))
    found = problems(region, on)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if found else 0


def _read(file: str) -> Any:
    try:
        if file == "-":
            source = sys.stdin.read()
        else:
            with open(file, encoding="utf-8") as stream:
                source = stream.read()
    except OSError as error:
        raise InvalidFact("file", f"cannot read {file}: {error.strerror}") from None
    try:
        # Money is exact: 500.5 becomes Decimal("500.5"), never a float.
        return json.loads(source, parse_float=Decimal)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InvalidFact("input", f"malformed JSON at {where}: {error.msg}") from None


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))
