"""A backup's files and their SHA-256 checksums (manifest.json), and checking them.

A backup is a directory: manifest.json, db/<app>.<model>.jsonl (one object per line) and
media/<path> (a copy of MEDIA_ROOT). The manifest names every other file with its size and
SHA-256, so a changed, missing or extra file is found before anything is restored.
"""
import hashlib
import json
from pathlib import Path

from django.utils.translation import gettext as _

FORMAT_NAME = "evalsite-backup"
FORMAT_VERSION = 1
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


def copy_with_sha256(source, target):
    """Copy `source` to `target` (parents created) and return the SHA-256 of the bytes written."""
    digest = hashlib.sha256()
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as reader, open(target, "xb") as writer:
        while block := reader.read(CHUNK):
            digest.update(block)
            writer.write(block)
    return digest.hexdigest()


def files_under(root):
    """Every regular file below `root`, as sorted POSIX paths relative to it ([] when it is missing)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def manifest_write(directory, manifest):
    path = Path(directory) / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def manifest_read(directory):
    """The manifest of the backup in `directory`; BackupError when there is none or it is not ours."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(_("%(path)s 不是备份目录：缺少 manifest.json。") % {"path": directory})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("manifest.json 无法读取（文件损坏）。")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(_("manifest.json 不是本系统的备份清单。"))
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(_("不支持的备份格式版本：%(version)s。") % {"version": manifest.get("version")})
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
        elif path.stat().st_size != expected["size"] or file_sha256(path) != expected["sha256"]:
            problems.append(_("备份文件校验和不符（文件已损坏或被修改）：%(name)s") % {"name": name})
    for name in files_under(directory):
        if name != MANIFEST and name not in listed:
            problems.append(_("备份中有清单未列出的文件：%(name)s") % {"name": name})
    return problems
