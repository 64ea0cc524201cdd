"""Rotating the audit chain's key: each row names the key that chained it; old rows are never rewritten."""
import hashlib
import hmac
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.anchors import anchors_read
from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_anchor, audit_record, audit_verify

pytestmark = pytest.mark.django_db

OLD, NEW = "old-key-" + "o" * 40, "new-key-" + "n" * 40


@pytest.fixture
def old_key(settings):
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_ID, settings.AUDIT_HMAC_OLD_KEYS = OLD, "1", {}
    return settings


def rotate_settings(settings):
    """What the operator sets on every app server: the new key current, the old one kept for older rows."""
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_ID, settings.AUDIT_HMAC_OLD_KEYS = NEW, "2", {"1": OLD}


def forge(*, key, key_id, event=Event.LOGIN, detail="", username="ghost"):
    """A row appended at the head by someone holding `key` (e.g. the leaked old key), through plain SQL INSERT."""
    head = AuditEvent.objects.order_by("-id").first()
    row = AuditEvent(at=timezone.now(), event=event, username=username, detail=detail, prev_hash=head.hash,
                     key_id=key_id)
    row.hash = hmac.new(key.encode(), f"{row.prev_hash}\n{row.canonical()}".encode(), hashlib.sha256).hexdigest()
    row.save(force_insert=True)  # INSERT is what the triggers allow
    return row


def test_rows_record_the_current_key_id(old_key):
    row = audit_record(event=Event.LOGIN, username="clerk")

    assert AuditEvent.objects.get(pk=row.pk).key_id == "1"


def test_rotation_then_verify_is_clean_and_old_rows_are_untouched(old_key):
    before = [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(3)]
    audit_anchor()
    hashes = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    rotate_settings(old_key)
    out = io.StringIO()

    call_command("audit_rotate_key", stdout=out)
    after = audit_record(event=Event.LOGIN, username="clerk")

    rotation = AuditEvent.objects.get(event=Event.AUDIT_KEY_ROTATED)
    assert out.getvalue().startswith(f"审计密钥已由“1”轮换为“2”：第 {rotation.pk} 号记录起使用新密钥，此前 3 条记录不变")
    assert (rotation.key_id, json.loads(rotation.detail), rotation.prev_hash) == ("2", {"from": "1", "to": "2"}, before[-1].hash)
    assert list(AuditEvent.objects.filter(pk__lte=before[-1].pk).values_list("hash", flat=True)) == hashes[::-1]
    assert list(AuditEvent.objects.order_by("id").values_list("key_id", flat=True)) == ["1", "1", "1", "2", "2"]
    assert AuditEvent.objects.get(pk=after.pk).prev_hash == rotation.hash
    assert [a.authentic for a in anchors_read()] == [True, True]  # the old-key anchor and the new one
    assert json.loads(Path(old_key.AUDIT_ANCHOR_PATH).read_text().splitlines()[-1])["key_id"] == "2"
    result = audit_verify()
    assert (result.ok, result.count, result.problems) == (True, 5, ())


def test_a_second_rotation_command_changes_nothing(old_key):
    audit_record(event=Event.LOGIN, username="u0")
    rotate_settings(old_key)
    call_command("audit_rotate_key", stdout=io.StringIO())
    out = io.StringIO()

    call_command("audit_rotate_key", stdout=out)

    assert out.getvalue() == "审计日志已在使用密钥“2”，无需轮换（共 2 条）。\n"
    assert AuditEvent.objects.filter(event=Event.AUDIT_KEY_ROTATED).count() == 1


def test_the_first_write_under_the_new_key_records_the_rotation_without_the_command(old_key):
    first = audit_record(event=Event.LOGIN, username="u0")
    rotate_settings(old_key)

    row = audit_record(event=Event.LOGOUT, username="u0")

    rotation = AuditEvent.objects.get(event=Event.AUDIT_KEY_ROTATED)
    assert (rotation.prev_hash, rotation.key_id, rotation.username) == (first.hash, "2", "audit_record")
    assert AuditEvent.objects.get(pk=row.pk).prev_hash == rotation.hash
    assert audit_verify().ok


def test_a_row_forged_with_the_old_key_after_the_rotation_is_caught(old_key):
    audit_record(event=Event.LOGIN, username="u0")
    rotate_settings(old_key)
    call_command("audit_rotate_key", stdout=io.StringIO())
    audit_record(event=Event.LOGIN, username="u1")

    forged = forge(key=OLD, key_id="1")

    assert audit_verify().problems == (
        (forged.pk, "用已停用的密钥“1”链接（该密钥已被轮换，可能是用旧密钥伪造的记录）"),)


def test_an_old_key_row_right_after_the_rotation_row_is_caught(old_key):
    audit_record(event=Event.LOGIN, username="u0")
    rotate_settings(old_key)
    call_command("audit_rotate_key", stdout=io.StringIO())

    forged = forge(key=OLD, key_id="1")

    assert [pk for pk, _ in audit_verify().problems] == [forged.pk]


def test_a_rotation_back_to_the_old_key_forged_with_it_is_caught(old_key):
    audit_record(event=Event.LOGIN, username="u0")
    rotate_settings(old_key)
    call_command("audit_rotate_key", stdout=io.StringIO())

    forged = forge(key=OLD, key_id="1", event=Event.AUDIT_KEY_ROTATED, detail=json.dumps({"from": "2", "to": "1"}))

    assert [pk for pk, _ in audit_verify().problems] == [forged.pk]


def test_a_key_change_without_a_rotation_row_is_caught(old_key):
    audit_record(event=Event.LOGIN, username="u0")
    rotate_settings(old_key)

    forged = forge(key=NEW, key_id="2")  # the new key, but no rotation row before it

    assert audit_verify().problems == ((forged.pk, "密钥编号由“1”变为“2”，却不是密钥轮换记录"),)


def test_an_unknown_key_id_is_caught(old_key):
    audit_record(event=Event.LOGIN, username="u0")

    forged = forge(key="a guessed key", key_id="9")

    assert audit_verify().problems == (
        (forged.pk, "密钥编号“9”未配置，无法校验（不认识的密钥，或是伪造的记录）"),
        (forged.pk, "密钥编号由“1”变为“9”，却不是密钥轮换记录"),
    )
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_old_rows_are_unknown_once_the_old_key_is_dropped(old_key):
    row = audit_record(event=Event.LOGIN, username="u0")
    rotate_settings(old_key)
    call_command("audit_rotate_key", stdout=io.StringIO())
    old_key.AUDIT_HMAC_OLD_KEYS = {}

    assert audit_verify().problems[0] == (row.pk, "密钥编号“1”未配置，无法校验（不认识的密钥，或是伪造的记录）")


def test_rotation_refuses_a_broken_chain(old_key):
    audit_record(event=Event.LOGIN, username="u0")
    forge(key="a guessed key", key_id="1")
    rotate_settings(old_key)

    with pytest.raises(CommandError, match="审计日志校验失败（1 处问题），不轮换密钥"):
        call_command("audit_rotate_key", stdout=io.StringIO())
    assert not AuditEvent.objects.filter(event=Event.AUDIT_KEY_ROTATED).exists()


def test_rotation_refuses_when_the_head_key_is_not_configured(old_key):
    audit_record(event=Event.LOGIN, username="u0")
    old_key.AUDIT_HMAC_KEY, old_key.AUDIT_HMAC_KEY_ID = NEW, "2"  # AUDIT_HMAC_OLD_KEYS forgotten

    with pytest.raises(CommandError, match="链尾记录使用密钥“1”"):
        call_command("audit_rotate_key", stdout=io.StringIO())


def test_new_key_prints_the_settings_to_set(old_key):
    out = io.StringIO()

    call_command("audit_rotate_key", "--new-key", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1].startswith("AUDIT_HMAC_KEY=") and len(lines[1]) > len("AUDIT_HMAC_KEY=") + 32
    assert lines[2:4] == ["AUDIT_HMAC_KEY_ID=2", "AUDIT_HMAC_OLD_KEYS=1:<当前 AUDIT_HMAC_KEY>"]
    assert not AuditEvent.objects.exists()
