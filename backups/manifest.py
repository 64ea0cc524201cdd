"""A backup's files and their SHA-256 checksums (manifest.json), and checking them.

A backup is a directory: manifest.json, db/<app>.<model>.jsonl (one object per line) and
media/<path> (a copy of MEDIA_ROOT). The manifest names every other file with its size and
SHA-256, so a changed, missing or extra file is found before anything is restored.

The manifest is signed: HMAC-SHA256, keyed with the first of BACKUP_HMAC_KEYS, over its canonical JSON
(everything but the signature, the signing key's id included). The key is never in the backup, so someone
who can write the backup can change a file and its SHA-256 but cannot make the manifest verify again.
"""
import hashlib
import hmac
import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

FORMAT_NAME = "evalsite-backup"
FORMAT_VERSION = 2  # 1: unsigned manifests (refused: nothing tells whether they were changed)
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made, restored or trusted; `problems` are Chinese sentences."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def files_under(root):
    """Every regular file below `root`, as sorted POSIX paths relative to it ([] when it is missing)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _manifest_mac(key, manifest):
    signed = {name: value for name, value in manifest.items() if name != "signature"}
    # ASCII-only canonical JSON: any text json.loads accepts (lone surrogates too) encodes.
    text = json.dumps(signed, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return hmac.new(key.encode("utf-8"), b"evalsite-backup manifest\n" + text.encode("ascii"), hashlib.sha256).hexdigest()


def manifest_sign(manifest):
    """Sign `manifest` in place with the first key of BACKUP_HMAC_KEYS (its id is part of what is signed)."""
    key_id, key = next(iter(settings.BACKUP_HMAC_KEYS.items()))
    manifest.pop("signature", None)
    manifest["signed_with"] = key_id
    manifest["signature"] = _manifest_mac(key, manifest)
    return manifest


def _signature_problem(manifest):
    """None when the manifest's signature verifies with the key it names, else the Chinese reason."""
    key_id, signature = manifest.get("signed_with"), manifest.get("signature")
    if not isinstance(key_id, str) or not isinstance(signature, str) or not signature:
        return _("备份清单没有签名，无法确认备份未被修改。")
    keys = settings.BACKUP_HMAC_KEYS
    if key_id not in keys:
        return _("备份清单由密钥“%(id)s”签名，本安装的 BACKUP_HMAC_KEYS 中没有这个密钥（现有：%(ids)s）。") % {
            "id": key_id, "ids": "、".join(keys)}
    if not hmac.compare_digest(signature.encode("utf-8"), _manifest_mac(keys[key_id], manifest).encode("ascii")):
        return _("备份清单的签名不符：清单在备份后被修改过，或 BACKUP_HMAC_KEYS 中的密钥“%(id)s”与备份时不同。") % {
            "id": key_id}
    return None


def manifest_write(directory, manifest):
    path = Path(directory) / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def manifest_read(directory):
    """The manifest of the backup in `directory`; BackupError when there is none, it is not ours, or its
    signature does not verify with BACKUP_HMAC_KEYS."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(_("%(path)s 不是备份目录：缺少 manifest.json。") % {"path": directory})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("manifest.json 无法读取（文件损坏）。")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(_("manifest.json 不是本系统的备份清单。"))
    if manifest.get("version") == 1:
        raise BackupError(_("此备份为旧格式（版本 1），清单没有签名，无法确认未被修改，不能校验或恢复。"))
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(_("不支持的备份格式版本：%(version)s。") % {"version": manifest.get("version")})
    problem = _signature_problem(manifest)
    if problem:
        raise BackupError([problem, _("未校验或恢复任何内容。")])
    return manifest


def files_problems(directory, manifest):
    """Every file of the backup that is missing, extra, or differs from its manifest size or SHA-256."""
    directory = Path(directory)
    listed = manifest.get("files", {})
    problems = []
    for name, expected in sorted(listed.items()):
        path = directory / name
        if not path.is_file():
            problems.append(_("备份文件缺失：%(name)s") % {"name": name})
        elif path.stat().st_size != expected["size"] or not hmac.compare_digest(file_sha256(path), expected["sha256"]):
            problems.append(_("备份文件校验和不符（文件已损坏或被修改）：%(name)s") % {"name": name})
    for name in files_under(directory):
        if name != MANIFEST and name not in listed:
            problems.append(_("备份中有清单未列出的文件：%(name)s") % {"name": name})
    return problems
