"""Words for families: reasons, SMS results within a segment budget, programme info, JSON."""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

from . import data
from .model import (
    DECISIONS_THAT_MATTER,
    Amount,
    Decision,
    ProgrammeInfo,
    ProgrammeResult,
    Reason,
    Result,
)
from .regions import dated_after_years, is_demo

# A result text should fit in this many SMS segments for a typical family.
SMS_SEGMENTS = 3


def language(lang: str) -> str:
    if lang not in data.LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(data.LANGUAGES)}, not {lang!r}")
    return lang


def _septets(text: str) -> int | None:
    """GSM 03.38 septets of the text (extension characters take two), None if not GSM-7."""
    try:
        return len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def is_gsm(text: str) -> bool:
    return _septets(text) is not None


def segments(text: str) -> int:
    """About how many SMS segments the text takes: GSM-7 160/153 a part, else UCS-2 70/67.

    Good enough to keep a result within budget; the SMS channel splits exactly when it sends.
    """
    septets = _septets(text)
    if septets is not None:
        units, single, part = septets, 160, 153
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / part)


def reason_text(reason: Reason, lang: str) -> str:
    """The reason as a sentence a grandparent understands."""
    language(lang)
    if reason.code == "receiving":
        return data.texts()["receiving"][lang]
    if reason.code in ("need_info", "unknown"):
        labels = [data.facts()["facts"][path]["label"][lang] for path in reason.facts]
        facts = data.texts()["list_separator"][lang].join(labels)
        return data.texts()[reason.code][lang].format(facts=facts)
    template = data.programmes()[reason.programme]["reasons"][reason.code][lang]
    return template.format(**reason.values)


def amount_text(amount: Amount, lang: str, region: str, on: date) -> str:
    """The amount, saying so when it is a national minimum or may be out of date on `on`."""
    note = ""
    notes = data.texts()["amount_notes"]
    if amount.since is not None:
        if amount.floor:
            note = notes["floor"][lang].format(year=amount.since.year)
        elif is_dated(amount.since, region, on):
            note = notes["dated"][lang].format(year=amount.since.year)
    template = data.texts()["amounts"][f"{amount.basis}.{amount.per}"][lang]
    return template.format(yuan=amount.yuan, note=note)


def is_dated(since: date, region: str, on: date) -> bool:
    years = dated_after_years(region)
    try:
        limit = since.replace(year=since.year + years)
    except ValueError:  # 29 February
        limit = since.replace(year=since.year + years, day=28)
    return on >= limit


def office(programme_id: str, reason: Reason, lang: str) -> str:
    """Where to apply; some reasons send the family elsewhere (HIV: the county, privately)."""
    programme = data.programmes()[programme_id]
    return programme.get("office_by_reason", {}).get(reason.code, programme["office"])[lang]


def programme_info(programme_id: str, lang: str) -> ProgrammeInfo:
    """Short SMS texts about a programme: name, who it is for and what it gives, how to apply."""
    language(lang)
    programme = data.programmes()[programme_id]
    return ProgrammeInfo(
        id=programme_id,
        name=programme["name"][lang],
        what=programme["what"][lang],
        how_to_apply=programme["how_to_apply"][lang],
        documents=programme["documents"][lang],
        processing_time=programme["processing_time"][lang],
    )


def result_text(
    result: Result, lang: str, budget: int = SMS_SEGMENTS, asked: str | None = None
) -> str:
    """The SMS text: what the family may get first, each with a reason and where to apply.

    When it is longer than `budget` segments, the last items give up their reasons first,
    then their amounts and offices, so the first items keep every detail. A programme the
    family asked about by name (`asked`) that does not fit is told with its reason, not only
    counted: "您问的孤儿基本生活费：父母不是都去世或被宣告失踪。".
    """
    language(lang)
    matter = _matter(result)
    details = ["full"] * len(matter)
    text = _compose(result, matter, details, lang, asked)
    for shorter in ("short", "name"):
        for index in reversed(range(len(matter))):
            if segments(text) <= budget:
                return text
            details[index] = shorter
            text = _compose(result, matter, details, lang, asked)
    return text


def _matter(result: Result) -> list[ProgrammeResult]:
    """The programmes worth texting about: eligible first, then alternatives, then maybes."""
    rank = {decision: place for place, decision in enumerate(DECISIONS_THAT_MATTER)}
    chosen = [programme for programme in result.programmes if programme.decision in rank]
    return sorted(chosen, key=lambda programme: rank[programme.decision])  # stable: programme order


def _compose(
    result: Result,
    matter: list[ProgrammeResult],
    details: list[str],
    lang: str,
    asked: str | None = None,
) -> str:
    sms = data.texts()["sms"]
    undecided = any(programme.decision is Decision.NEED_INFO for programme in result.programmes)
    opening = "header" if matter else "pending" if undecided else "nothing"
    lines = [sms[opening][lang]]
    for number, (programme, detail) in enumerate(zip(matter, details, strict=True), start=1):
        lines.append(_item(number, programme, detail, lang, result))
    told = next(
        (p for p in result.programmes if p.id == asked and p.decision is Decision.NOT_ELIGIBLE),
        None,
    )
    if told is not None:
        name = data.programmes()[told.id]["name"][lang]
        lines.append(
            sms["asked_not_eligible"][lang].format(
                name=name, reason=reason_text(told.reasons[0], lang)
            )
        )
    footer = []
    receiving = [p.id for p in result.programmes if p.decision is Decision.RECEIVING]
    if receiving:
        names = [data.programmes()[programme]["name"][lang] for programme in receiving]
        footer.append(
            sms["receiving"][lang].format(names=data.texts()["list_separator"][lang].join(names))
        )
    for decision in (Decision.NEED_INFO, Decision.NOT_ELIGIBLE):
        count = sum(
            programme.decision is decision and programme is not told
            for programme in result.programmes
        )
        if count:
            footer.append(sms[decision][lang].format(count=count))
    if is_demo(result.region):
        footer.append(sms["demo"][lang])
    if footer:
        lines.append(sms["part_separator"][lang].join(footer))
    return "\n".join(lines)


def _item(number: int, programme: ProgrammeResult, detail: str, lang: str, result: Result) -> str:
    """One line: name and decision; then, as detail allows, the reason, amount and office."""
    sms = data.texts()["sms"]
    head = sms["item"][lang].format(
        n=number,
        name=data.programmes()[programme.id]["name"][lang],
        decision=data.texts()["decisions"][programme.decision][lang],
    )
    if detail == "name":
        return head
    reason = programme.reasons[0]
    parts = [reason_text(reason, lang)] if detail == "full" else []
    if programme.amount is not None:
        parts.append(amount_text(programme.amount, lang, result.region, result.date))
    parts.append(sms["apply"][lang].format(office=office(programme.id, reason, lang)))
    return head + sms["detail_separator"][lang] + sms["part_separator"][lang].join(parts)


def result_dict(result: Result, lang: str = "zh") -> dict[str, Any]:
    """The result as JSON-ready data, reasons in one language: for the CLI and the web app."""
    language(lang)
    return _plain(
        {
            "region": result.region,
            "date": result.date,
            "demo": is_demo(result.region),
            "programmes": [
                {
                    "id": programme.id,
                    "decision": str(programme.decision),
                    "reasons": [
                        {
                            "text": reason_text(reason, lang),
                            "code": reason.code,
                            "facts": dict(reason.facts),
                        }
                        for reason in programme.reasons
                    ],
                    "missing": list(programme.missing),
                    "amount": None if programme.amount is None else asdict(programme.amount),
                }
                for programme in result.programmes
            ],
            "trace": list(result.trace),
        }
    )


def _plain(value: Any) -> Any:
    """JSON data: exact yuan as whole numbers or decimal text (never floats), dates as ISO text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
