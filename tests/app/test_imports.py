"""A county's regions and workers from CSV: checked whole, imported all or nothing, once."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from webhooks.core.db import Session
from webhooks.core.models import Conversation, Region, Worker

REGIONS = """code,name,level,parent,aliases
CN-52-x,某县,county,,
CN-52-x-t1,城关镇,township,CN-52-x,chengguan
CN-52-x-t1-v1,东风村,village,CN-52-x-t1,东风|dongfeng
CN-52-x-t2,石桥乡,township,CN-52-x,
CN-52-x-t2-v1,桃园村,village,CN-52-x-t2,
"""
WORKERS = """username,name,role,region,phone
wang,王主任,worker,CN-52-x-t1-v1,+8613800000601
zhao,赵督导,supervisor,CN-52-x-t1,
admin2,管理员,admin,,
"""


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def count(model) -> int:
    with Session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_county_is_imported_and_importing_it_again_changes_nothing(runner, tmp_path):
    regions = write(tmp_path, "regions.csv", REGIONS)
    first = runner.invoke(args=["import-regions", regions])
    assert first.exit_code == 0 and "5 created, 0 changed, 0 unchanged" in first.output
    again = runner.invoke(args=["import-regions", regions])
    assert again.exit_code == 0 and "0 created, 0 changed, 5 unchanged" in again.output
    with Session() as session:
        village = session.scalar(select(Region).where(Region.code == "CN-52-x-t1-v1"))
        assert (village.parent.code, village.aliases) == ("CN-52-x-t1", ["东风", "dongfeng"])


def test_workers_are_imported_with_first_passwords_and_their_phones(runner, tmp_path):
    runner.invoke(args=["import-regions", write(tmp_path, "regions.csv", REGIONS)])
    workers = write(tmp_path, "workers.csv", WORKERS)
    first = runner.invoke(args=["import-workers", workers])
    assert first.exit_code == 0 and "3 created" in first.output
    assert "wang: first password " in first.output
    again = runner.invoke(args=["import-workers", workers])
    assert "0 created, 0 changed, 3 unchanged" in again.output
    assert "first password" not in again.output
    with Session() as session:
        wang = session.scalar(select(Worker).where(Worker.username == "wang"))
        assert wang.phone_hash and wang.region.code == "CN-52-x-t1-v1"
        threads = select(func.count()).where(Conversation.worker_id == wang.id)
        assert session.scalar(threads) == 1


def test_every_bad_line_is_reported_and_nothing_is_imported(runner, tmp_path):
    bad = """code,name,level,parent,aliases
CN-52-x,某县,county,,
CN-52-x-t1,,township,CN-52-x,
CN-52-x-v9,孤村,village,CN-52-x,
CN-52-x-t2,石桥乡,town,CN-52-x,
CN-52-x-t3,河口镇,township,CN-52-nowhere,
CN-52-x,又一个县,county,,
"""
    result = runner.invoke(args=["import-regions", write(tmp_path, "bad.csv", bad)])
    assert result.exit_code != 0
    for line, reason in [
        (3, "no name"),
        (4, "a village cannot sit under a county"),
        (5, "level must be one of"),
        (6, "parent CN-52-nowhere is neither in the file nor known"),
        (7, "code CN-52-x is on line 2 too"),
    ]:
        assert f"line {line}: {reason}" in result.output
    assert "nothing was imported" in result.output
    assert count(Region) == 0


def test_bad_worker_lines_are_reported_and_nothing_is_imported(runner, tmp_path):
    runner.invoke(args=["import-regions", write(tmp_path, "regions.csv", REGIONS)])
    bad = """username,name,role,region,phone
wang,王主任,worker,CN-52-x-t1-v1,+8613800000601
li,李主任,director,CN-52-x-t1-v1,
chen,陈主任,worker,CN-52-nowhere,
zhou,周主任,worker,,
liu,刘主任,worker,CN-52-x-t2-v1,call me
"""
    result = runner.invoke(args=["import-workers", write(tmp_path, "bad.csv", bad)])
    assert result.exit_code != 0
    for line, reason in [
        (3, "role must be one of"),
        (4, "no region CN-52-nowhere"),
        (5, "a worker or supervisor needs a region"),
        (6, "the phone is not a number"),
    ]:
        assert f"line {line}: {reason}" in result.output
    assert count(Worker) == 0


def test_a_file_without_the_columns_is_refused(runner, tmp_path):
    result = runner.invoke(args=["import-regions", write(tmp_path, "x.csv", "code,name\nA,B\n")])
    assert "line 1: missing columns: level, parent, aliases" in result.output
    assert count(Region) == 0
