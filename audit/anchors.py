"""Anchors of the audit chain, kept outside the database (settings.AUDIT_ANCHOR_PATH).

An anchor is one JSON line: the time, the head row's id and hash, and the number of rows, with an
HMAC over them (the chain's current key, whose id it names: `key_id`; lines written before key ids existed
have none and were made with key "1"). `manage.py audit_anchor` appends one on a schedule (cron) and every
`verify_audit` appends one after a clean check; verify_audit then checks that each anchored head is
still in the chain, so removing the newest rows (which leaves a chain that links up) is found too.
The file is append-only by convention and readable by the app's account only; print it or ship its
lines to another machine (syslog, a write-once store) to keep them out of an intruder's reach.
"""
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audit.enums import LEGACY_KEY_ID
from audit.models import UnknownKeyError, chain_mac, current_key_id


@dataclass(frozen=True)
class Anchor:
    line: int
    at: str
    head_id: int | None
    head_hash: str
    count: int
    authentic: bool


def _path():
    return Path(settings.AUDIT_ANCHOR_PATH)


def _mac(fields, key_id):
    return chain_mac("anchor\n" + json.dumps(fields, sort_keys=True, separators=(",", ":")), key_id=key_id)


def anchor_line(*, head_id, head_hash, count, at=None):
    """One anchor as the JSON line written to the file (with its HMAC and the id of the key that made it)."""
    fields = {
        "at": (at or timezone.now()).isoformat(timespec="seconds"),
        "head_id": head_id, "head_hash": head_hash, "count": count, "key_id": current_key_id(),
    }
    return json.dumps({**fields, "mac": _mac(fields, fields["key_id"])}, sort_keys=True, separators=(",", ":"))


def anchor_append(*, head_id, head_hash, count):
    """Append an anchor to AUDIT_ANCHOR_PATH (created 0600 in a 0700 directory) and return its line."""
    line = anchor_line(head_id=head_id, head_hash=head_hash, count=count)
    path = _path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode())  # one write of one short line: appended whole
    finally:
        os.close(descriptor)
    return line


def anchors_read():
    """Every anchor in the file, oldest first ([] when there is no file); forged or broken lines are inauthentic."""
    path = _path()
    if not path.is_file():
        return []
    anchors = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
                fields = {k: data[k] for k in ("at", "head_id", "head_hash", "count")}
                if "key_id" in data:
                    fields["key_id"] = data["key_id"]
                try:
                    expected = _mac(fields, str(fields.get("key_id", LEGACY_KEY_ID)))
                except UnknownKeyError:
                    expected = ""
                authentic = bool(expected) and hmac.compare_digest(str(data.get("mac", "")), expected)
                anchors.append(Anchor(number, str(fields["at"]), fields["head_id"], str(fields["head_hash"]),
                                      int(fields["count"]), authentic))
            except (ValueError, KeyError, TypeError):
                anchors.append(Anchor(number, "", None, "", 0, False))
    return anchors
