"""Admin commands: `flask --app webhooks <command>`."""

import json
import secrets
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import generate_password_hash

from webhooks.casework import access, cases, family_data, imports, routing, staff
from webhooks.core.crypto import normalise_phone
from webhooks.core.db import Session
from webhooks.core.models import Region, Worker
from webhooks.core.rasa import forget_trackers
from webhooks.messaging import spool
from webhooks.sms.cleaning import PHONE

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# A county of two townships with three villages each; both townships have a 东风村, so a
# family answering "东风村" is asked which one. Every village has its director, every
# township its supervisor, and the county a supervisor who places families nobody has placed.
DEMO_REGIONS = [
    ("CN-51-demo", "演示县", "county", None, []),
    ("CN-51-demo-t1", "城关镇", "township", "CN-51-demo", ["chengguan"]),
    ("CN-51-demo-t1-v1", "东风村", "village", "CN-51-demo-t1", []),
    ("CN-51-demo-t1-v2", "红旗村", "village", "CN-51-demo-t1", []),
    ("CN-51-demo-t1-v3", "柳河村", "village", "CN-51-demo-t1", ["柳河湾"]),
    ("CN-51-demo-t2", "石桥乡", "township", "CN-51-demo", ["shiqiao"]),
    ("CN-51-demo-t2-v1", "东风村", "village", "CN-51-demo-t2", []),
    ("CN-51-demo-t2-v2", "桃园村", "village", "CN-51-demo-t2", []),
    ("CN-51-demo-t2-v3", "马家湾村", "village", "CN-51-demo-t2", ["马家湾"]),
]


DEMO_WORKERS = [
    ("demo", "王主任（城关镇东风村）", "worker", "CN-51-demo-t1-v1"),
    ("demo-hongqi", "李主任（城关镇红旗村）", "worker", "CN-51-demo-t1-v2"),
    ("demo-liuhe", "张主任（城关镇柳河村）", "worker", "CN-51-demo-t1-v3"),
    ("demo-dongfeng2", "刘主任（石桥乡东风村）", "worker", "CN-51-demo-t2-v1"),
    ("demo-taoyuan", "陈主任（石桥乡桃园村）", "worker", "CN-51-demo-t2-v2"),
    ("demo-majiawan", "杨主任（石桥乡马家湾村）", "worker", "CN-51-demo-t2-v3"),
    ("demo-supervisor", "赵督导（城关镇）", "supervisor", "CN-51-demo-t1"),
    ("demo-supervisor2", "周督导（石桥乡）", "supervisor", "CN-51-demo-t2"),
    ("demo-county", "吴督导（演示县）", "supervisor", "CN-51-demo"),
]
MIN_PASSWORD = 10


def init_app(app: Flask) -> None:
    for cmd in (
        migrate,
        seed_demo,
        create_region,
        create_worker,
        import_regions,
        import_workers,
        reset_password,
        deactivate_worker,
        export_family,
        erase_family,
    ):
        app.cli.add_command(cmd)


def alembic_config(database_url: str) -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


@click.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    settings = current_app.extensions["helpline"].settings
    command.upgrade(alembic_config(settings.DATABASE_URL), "head")


@click.command("seed-demo")
def seed_demo() -> None:
    """Create the demo regions, a demo worker and a demo supervisor login (development only)."""
    settings = current_app.extensions["helpline"].settings
    if settings.APP_ENV == "production":
        raise click.ClickException("seed-demo is for development; use create-worker in production")
    if not settings.DEMO_WORKER_PASSWORD:
        raise click.ClickException("set DEMO_WORKER_PASSWORD for the demo login")
    with Session.begin() as session:
        codes = {}
        for code, name, level, parent, aliases in DEMO_REGIONS:
            region = session.scalar(select(Region).where(Region.code == code))
            if region is None:
                region = Region(code=code, level=level, parent=codes.get(parent))
                session.add(region)
            region.name, region.aliases = name, aliases
            codes[code] = region
        for username, display_name, role, region in DEMO_WORKERS:
            if session.scalar(select(Worker).where(Worker.username == username)) is None:
                session.add(
                    Worker(
                        username=username,
                        display_name=display_name,
                        role=role,
                        region=codes[region],
                        password_hash=generate_password_hash(settings.DEMO_WORKER_PASSWORD),
                    )
                )
    click.echo(f"demo logins, password {settings.DEMO_WORKER_PASSWORD}:")
    for username, display_name, _, _ in DEMO_WORKERS:
        click.echo(f"  {username:17} {display_name}")


@click.command("create-region")
@with_appcontext
@click.argument("code")
@click.argument("name")
@click.option("--level", type=click.Choice(Region.LEVELS), required=True)
@click.option("--parent", "parent_code", help="code of the region above (none for a province)")
def create_region(code: str, name: str, level: str, parent_code: str | None) -> None:
    """Add a region: CODE NAME --level village --parent CODE."""
    with Session.begin() as session:
        if routing.region_by_code(session, code) is not None:
            raise click.ClickException(f"region {code} exists already")
        parent = routing.region_by_code(session, parent_code) if parent_code else None
        if parent_code and parent is None:
            raise click.ClickException(f"no region {parent_code}")
        expected = Region.LEVELS.index(level) - 1
        if (parent is None) != (expected < 0) or (
            parent is not None and Region.LEVELS.index(parent.level) != expected
        ):
            above = Region.LEVELS[expected] if expected >= 0 else "nothing"
            raise click.ClickException(f"a {level} sits under a {above}")
        session.add(Region(code=code, name=name, level=level, parent=parent))
        access.audit(session, None, "create_region", "region", None, code=code, by="cli")
    click.echo(f"region {code} created")


@click.command("create-worker")
@with_appcontext
@click.argument("username")
@click.option("--name", "display_name", required=True, help="the name colleagues see")
@click.option("--role", type=click.Choice(Worker.ROLES), default="worker", show_default=True)
@click.option("--region", "region_code", help="the region they answer for (not for admins)")
@click.option("--phone", help="their own mobile, for case alerts and answering by SMS")
@click.option("--language", type=click.Choice(("zh", "en")), default="zh", show_default=True)
@click.option("--generate-password", is_flag=True, help="print a random password instead")
def create_worker(username, display_name, role, region_code, phone, language, generate_password):
    """Add a worker, supervisor or admin login."""
    password = _new_password(generate_password)
    vault = current_app.extensions["helpline"].vault
    with Session.begin() as session:
        if session.scalar(select(Worker).where(Worker.username == username)):
            raise click.ClickException(f"worker {username} exists already")
        region = routing.region_by_code(session, region_code) if region_code else None
        if region_code and region is None:
            raise click.ClickException(f"no region {region_code}")
        if region is None and role != "admin":
            raise click.ClickException("a worker or supervisor needs --region")
        worker = Worker(
            username=username,
            display_name=display_name,
            role=role,
            region=region,
            language=language,
            password_hash=generate_password_hash(password),
        )
        if phone:
            _set_phone(session, vault, worker, phone)
            session.add(staff.new_staff_thread(worker))
        session.add(worker)
        session.flush()
        access.audit(session, None, "create_worker", "worker", worker.id, by="cli")
    click.echo(f"worker {username} created")
    if generate_password:
        click.echo(f"password: {password}")


@click.command("import-regions")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_regions(file: Path) -> None:
    """Load townships and villages from a CSV file: code,name,level,parent,aliases."""
    with Session.begin() as session:
        checked = imports.check_regions(session, file)
        _refuse_problems(checked)
        outcome = imports.import_regions(session, checked)
        access.audit(session, None, "import_regions", "region", None, file=file.name, by="cli")
    click.echo(_summary("regions", outcome))


@click.command("import-workers")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_workers(file: Path) -> None:
    """Load directors and supervisors from a CSV file: username,name,role,region,phone.
    New logins get a random first password, printed once."""
    vault = current_app.extensions["helpline"].vault
    with Session.begin() as session:
        checked = imports.check_workers(session, file)
        _refuse_problems(checked)
        outcome = imports.import_workers(session, vault, checked)
        access.audit(session, None, "import_workers", "worker", None, file=file.name, by="cli")
    click.echo(_summary("workers", outcome))
    for username, password in outcome.passwords.items():
        click.echo(f"  {username}: first password {password}")


def _refuse_problems(checked: imports.Checked) -> None:
    for line, reason in checked.problems:
        click.echo(f"line {line}: {reason}", err=True)
    if checked.problems:
        raise click.ClickException(f"{len(checked.problems)} problems; nothing was imported")


def _summary(what: str, outcome: imports.Outcome) -> str:
    released = f"; {outcome.released} cases back with their area" if outcome.released else ""
    return (
        f"{what}: {outcome.created} created, {outcome.changed} changed, "
        f"{outcome.unchanged} unchanged{released}"
    )


@click.command("reset-password")
@with_appcontext
@click.argument("username")
@click.option("--generate-password", is_flag=True, help="print a random password instead")
def reset_password(username: str, generate_password: bool) -> None:
    """Set a new password; the worker's other sessions end."""
    password = _new_password(generate_password)
    with Session.begin() as session:
        worker = _worker(session, username)
        worker.password_hash = generate_password_hash(password)
        access.audit(session, None, "reset_password", "worker", worker.id, by="cli")
    click.echo(f"password of {username} reset")
    if generate_password:
        click.echo(f"password: {password}")


@click.command("deactivate-worker")
@with_appcontext
@click.argument("username")
def deactivate_worker(username: str) -> None:
    """Stop a login and SMS commands; their open cases go back to their area, which is told."""
    with Session.begin() as session:
        worker = _worker(session, username)
        worker.active = False
        session.flush()
        held = cases.release_unanswerable(session, worker)
        access.audit(session, None, "deactivate_worker", "worker", worker.id, by="cli")
    click.echo(f"{username} deactivated; {len(held)} cases back with their area")


@click.command("export-family")
@with_appcontext
@click.option("--phone", help="the family's phone number")
@click.option("--case", "case_id", type=int, help="or one of their case numbers")
@click.option("--conversation", "conversation_id", type=int, help="or a web chat's number")
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-")
def export_family(
    phone: str | None, case_id: int | None, conversation_id: int | None, output
) -> None:
    """Everything held about one family, as JSON (for their request to see it)."""
    vault = current_app.extensions["helpline"].vault
    with Session.begin() as session:
        family = _family(session, vault, phone, case_id, conversation_id)
        data = family_data.export(session, vault, family)
        access.audit(session, None, "export_family", family.kind, family.id, by="cli")
    json.dump(data, output, ensure_ascii=False, indent=2)
    output.write("\n")


@click.command("erase-family")
@with_appcontext
@click.option("--phone", help="the family's phone number")
@click.option("--case", "case_id", type=int, help="or one of their case numbers")
@click.option("--conversation", "conversation_id", type=int, help="or a web chat's number")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def erase_family(
    phone: str | None, case_id: int | None, conversation_id: int | None, yes: bool
) -> None:
    """Erase a family's words and number, here and in Rasa's tracker store, and their texts
    spooled on this machine; statistics keep the counts."""
    services = current_app.extensions["helpline"]
    tracker_store = services.settings.RASA_TRACKER_STORE_URL
    with Session.begin() as session:
        family = _family(session, services.vault, phone, case_id, conversation_id)
        if family.contact is not None and family.contact.erased_at is not None:
            raise click.ClickException("this family's data is erased already")
        if not yes:
            click.confirm("Erase every message, note and the number of this family?", abort=True)
        pseudonyms = family.pseudonyms
        spooled_as = family.contact.phone_hash if family.contact else None
        # Rasa's copy first: when its store cannot be reached, nothing here changes either.
        try:
            in_rasa = forget_trackers(tracker_store, pseudonyms)
        except SQLAlchemyError as exc:
            raise click.ClickException(
                f"Rasa's tracker store cannot be reached ({type(exc).__name__}): "
                "nothing was erased, try again"
            ) from exc
        emptied = family_data.erase(session, family)
        access.audit(session, None, "erase_family", family.kind, family.id, by="cli")
    if in_rasa is not None:  # and what a turn running meanwhile wrote under the old names
        in_rasa += forget_trackers(tracker_store, pseudonyms) or 0
    spooled = spool.spool_for(services).forget(spooled_as) if spooled_as else 0
    rasa = (
        f"{in_rasa} Rasa tracker events"
        if in_rasa is not None
        else "Rasa keeps conversations in memory here: they go when Rasa restarts"
    )
    click.echo(
        f"erased: {emptied['messages']} messages, {emptied['cases']} cases, "
        f"{emptied['events']} case events, {spooled} spooled texts; {rasa}"
    )
    if emptied["recordings"]:  # the voice itself is in the Twilio account, out of our reach
        click.echo(
            "delete these voicemail recordings in Twilio (console, Monitor > Recordings, or "
            "DELETE /2010-04-01/Accounts/<sid>/Recordings/<sid>): "
            + " ".join(emptied["recordings"])
        )


def _new_password(generate: bool) -> str:
    if generate:
        return secrets.token_urlsafe(12)
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"use at least {MIN_PASSWORD} characters")
    return password


def _worker(session, username: str) -> Worker:
    worker = session.scalar(select(Worker).where(Worker.username == username))
    if worker is None:
        raise click.ClickException(f"no worker {username}")
    return worker


def _set_phone(session, vault, worker: Worker, phone: str) -> None:
    phone = normalise_phone(phone)
    if not PHONE.fullmatch(phone):
        raise click.ClickException("--phone must look like +8613800000000")
    phone_hash = vault.lookup_hash(phone)
    if session.scalar(select(Worker).where(Worker.phone_hash == phone_hash)):
        raise click.ClickException("that phone is registered to another worker")
    worker.phone_ciphertext, worker.phone_hash = vault.encrypt(phone), phone_hash


def _family(
    session, vault, phone: str | None, case_id: int | None, conversation_id: int | None
) -> family_data.Family:
    if sum((bool(phone), case_id is not None, conversation_id is not None)) != 1:
        raise click.UsageError("give one of --phone, --case or --conversation")
    family = family_data.find_family(session, vault, phone, case_id, conversation_id)
    if family is None:
        raise click.ClickException("no such family")
    return family
