"""A backup file changed after the up-front check is still refused while it is read."""
import pytest

from backups.manifest import BackupError, manifest_read
from backups.services import backup_create
from backups.store import BackupReader
from reports.demo import demo_load


def test_a_file_changed_after_the_manifest_was_read_fails_at_its_end(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()
    backup_create(directory=tmp_path / "backup")
    reader = BackupReader(tmp_path / "backup", manifest_read(tmp_path / "backup"))
    path = tmp_path / "backup" / "db" / "accounts.user.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"is_superuser": false', b'"is_superuser": true', 1))

    with pytest.raises(BackupError) as raised, reader.open_text("db/accounts.user.jsonl") as handle:
        handle.read()

    assert raised.value.problems == ["备份文件校验和不符（文件已损坏或被修改）：db/accounts.user.jsonl"]
