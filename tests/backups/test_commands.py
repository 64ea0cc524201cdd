"""The three commands' success messages (their refusals are in test_services.py)."""
import io

import pytest
from django.core.management import call_command

from backups.services import backup_create
from reports.demo import demo_load


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_create_restore_and_verify_say_what_they_did(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()
    manifest = backup_create(directory=tmp_path / "first")  # only to know the row count
    rows = sum(m["count"] for m in manifest["models"])
    tables = len(manifest["models"])

    created = _run("backup_create", str(tmp_path / "backup"))
    call_command("flush", interactive=False, verbosity=0)
    restored = _run("backup_restore", str(tmp_path / "backup"))
    verified = _run("backup_verify", str(tmp_path / "backup"))
    files_only = _run("backup_verify", str(tmp_path / "backup"), "--backup-only")

    # The second backup also holds the first one's BACKUP audit event; the demo's two report imports are audited.
    assert created == (
        f"备份完成：{tmp_path / 'backup'}，数据 {rows + 1} 行（{tables} 张表），存储文件 0 个，审计日志 3 条；"
        "清单已用密钥“test-2026”签名。\n"
    )
    assert restored == f"恢复完成并已校验：数据 {rows + 1} 行，已审定报告 0 份，存储文件 0 个，审计日志完整。\n"
    assert verified == (
        f"备份校验通过：{tables} 个文件的校验和一致；本安装的数据 {rows + 1} 行、已审定报告 0 份、"
        "存储文件 0 个和审计日志均与备份一致。\n"
    )
    assert files_only == f"备份校验通过：{tables} 个文件的校验和一致。\n"
