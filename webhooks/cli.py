"""Admin commands: `flask --app webhooks <command>`."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from webhooks.db import Session
from webhooks.models import Region, Worker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
DEMO_REGIONS = [
    ("CN-51-demo", "演示县 Demo County", "county", None),
    ("CN-51-demo-t1", "演示镇 Demo Township", "township", "CN-51-demo"),
    ("CN-51-demo-t1-v1", "演示村 Demo Village", "village", "CN-51-demo-t1"),
]


def init_app(app: Flask) -> None:
    app.cli.add_command(migrate)
    app.cli.add_command(seed_demo)


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
    """Create the demo region and one demo worker login (development only)."""
    settings = current_app.extensions["helpline"].settings
    if settings.APP_ENV == "production":
        raise click.ClickException("seed-demo is for development; use create-worker in production")
    if not settings.DEMO_WORKER_PASSWORD:
        raise click.ClickException("set DEMO_WORKER_PASSWORD for the demo login")
    with Session.begin() as session:
        codes = {}
        for code, name, level, parent in DEMO_REGIONS:
            region = session.scalar(select(Region).where(Region.code == code))
            if region is None:
                region = Region(code=code, name=name, level=level, parent=codes.get(parent))
                session.add(region)
            codes[code] = region
        worker = session.scalar(select(Worker).where(Worker.username == "demo"))
        if worker is None:
            session.add(
                Worker(
                    username="demo",
                    display_name="演示儿童主任 Demo director",
                    role="worker",
                    region=codes["CN-51-demo-t1-v1"],
                    password_hash=generate_password_hash(settings.DEMO_WORKER_PASSWORD),
                )
            )
    click.echo(f"demo worker login: demo / {settings.DEMO_WORKER_PASSWORD}")
