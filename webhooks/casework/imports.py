"""A county's townships, villages and workers from CSV files, all or nothing.

Regions: `code,name,level,parent,aliases` (aliases separated by "|"); workers:
`username,name,role,region,phone`. The whole file is checked first and every bad line is
reported with its number and reason; nothing is written unless every line is good. Rows
already there as the file says them are left alone, so importing the same file twice changes
nothing; a row whose code or username exists with other details updates it.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from webhooks.casework import cases, staff
from webhooks.core.crypto import PhoneVault
from webhooks.core.models import Region, Worker
from webhooks.sms.cleaning import PHONE

REGION_COLUMNS = ("code", "name", "level", "parent", "aliases")
WORKER_COLUMNS = ("username", "name", "role", "region", "phone")
# A deployment's top region: a province, or a county running its own helpline.
ROOT_LEVELS = ("province", "county")


@dataclass
class Checked:
    """The good rows of a file, or the reasons it cannot be imported, by line number."""

    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Outcome:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    released: int = 0  # cases of workers moved out of their area, back with that area
    passwords: dict[str, str] = field(default_factory=dict)  # new logins' first passwords


def check_regions(session: Session, path: Path) -> Checked:
    checked = _read(path, REGION_COLUMNS, key="code")
    levels = {row["code"]: row["level"] for _, row in _numbered(checked)}
    known = {r.code: r.level for r in session.scalars(select(Region))}
    for line, row in _numbered(checked):
        if not row["name"]:
            checked.problems.append((line, "no name"))
        if row["level"] not in Region.LEVELS:
            checked.problems.append((line, f"level must be one of {', '.join(Region.LEVELS)}"))
            continue
        parent = row["parent"]
        if not parent:
            if row["level"] not in ROOT_LEVELS:
                checked.problems.append((line, f"a {row['level']} needs a parent"))
            continue
        parent_level = levels.get(parent) or known.get(parent)
        if parent_level is None:
            checked.problems.append((line, f"parent {parent} is neither in the file nor known"))
        elif Region.LEVELS.index(parent_level) != Region.LEVELS.index(row["level"]) - 1:
            checked.problems.append((line, f"a {row['level']} cannot sit under a {parent_level}"))
    checked.problems.sort()
    return checked


def import_regions(session: Session, checked: Checked) -> Outcome:
    """Write the checked rows, parents before children."""
    outcome = Outcome()
    by_code = {r.code: r for r in session.scalars(select(Region))}
    for row in sorted(checked.rows, key=lambda r: Region.LEVELS.index(r["level"])):
        aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
        wanted = {
            "name": row["name"],
            "level": row["level"],
            "parent": by_code.get(row["parent"]) if row["parent"] else None,
            "aliases": aliases,
        }
        region = by_code.get(row["code"])
        if region is None:
            region = Region(code=row["code"], **wanted)
            session.add(region)
            by_code[region.code] = region
            outcome.created += 1
        elif any(getattr(region, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(region, key, value)
            outcome.changed += 1
        else:
            outcome.unchanged += 1
    session.flush()
    return outcome


def check_workers(session: Session, path: Path) -> Checked:
    checked = _read(path, WORKER_COLUMNS, key="username")
    known = {r.code for r in session.scalars(select(Region))}
    for line, row in _numbered(checked):
        if not row["name"]:
            checked.problems.append((line, "no name"))
        if row["role"] not in Worker.ROLES:
            checked.problems.append((line, f"role must be one of {', '.join(Worker.ROLES)}"))
        if row["region"] and row["region"] not in known:
            checked.problems.append((line, f"no region {row['region']}: import the regions first"))
        if not row["region"] and row["role"] != "admin":
            checked.problems.append((line, "a worker or supervisor needs a region"))
        if row["phone"] and not PHONE.fullmatch(row["phone"]):
            checked.problems.append((line, "the phone is not a number like +8613800000000"))
    checked.problems.sort()
    return checked


def import_workers(session: Session, vault: PhoneVault, checked: Checked) -> Outcome:
    """Write the checked rows; a new login gets a random first password, returned once."""
    outcome = Outcome()
    regions = {r.code: r for r in session.scalars(select(Region))}
    by_username = {w.username: w for w in session.scalars(select(Worker))}
    for row in checked.rows:
        worker = by_username.get(row["username"])
        region = regions.get(row["region"]) if row["region"] else None
        phone_hash = vault.lookup_hash(row["phone"]) if row["phone"] else None
        if worker is None:
            password = secrets.token_urlsafe(12)
            worker = Worker(
                username=row["username"],
                display_name=row["name"],
                role=row["role"],
                region=region,
                password_hash=generate_password_hash(password),
            )
            session.add(worker)
            outcome.passwords[worker.username] = password
            outcome.created += 1
        elif (worker.display_name, worker.role, worker.region_id, worker.phone_hash) == (
            row["name"],
            row["role"],
            region.id if region else None,
            phone_hash,
        ):
            outcome.unchanged += 1
            continue
        else:
            worker.display_name, worker.role, worker.region = row["name"], row["role"], region
            session.flush()
            outcome.released += len(cases.release_unanswerable(session, worker))
            outcome.changed += 1
        if phone_hash != worker.phone_hash:
            worker.phone_hash = phone_hash
            worker.phone_ciphertext = vault.encrypt(row["phone"]) if row["phone"] else None
        session.flush()
        if worker.phone_hash:
            staff.staff_thread(session, worker)  # made with the phone, as create-worker does
    return outcome


def _read(path: Path, columns: tuple[str, ...], key: str) -> Checked:
    """The rows as dicts of stripped text; a missing column or a repeated key is a problem."""
    checked = Checked()
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often save a BOM
    except (OSError, UnicodeDecodeError) as error:
        checked.problems.append((0, f"cannot read the file as UTF-8: {error}"))
        return checked
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        checked.problems.append((1, f"missing columns: {', '.join(missing)}"))
        return checked
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {c: (raw.get(c) or "").strip() for c in columns}
        if not row[key]:
            checked.problems.append((line, f"no {key}"))
        elif row[key] in seen:
            checked.problems.append((line, f"{key} {row[key]} is on line {seen[row[key]]} too"))
        else:
            seen[row[key]] = line
        row["_line"] = str(line)
        checked.rows.append(row)
    return checked


def _numbered(checked: Checked):
    return [(int(row["_line"]), row) for row in checked.rows]
