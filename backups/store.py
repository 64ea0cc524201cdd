"""A backup's files as streams, encrypted or not: what backup_create writes and restore/verify read.

Writing, each file's manifest entry is the SHA-256 and size of the bytes stored (the ciphertext when the
backup is encrypted). Reading, those bytes are hashed again as they stream in and a file that differs at its
end raises BackupError, so a file changed after the up-front check still cannot be restored.
"""
import hashlib
import hmac
import io
import shutil
from pathlib import Path

from django.utils.translation import gettext as _

from backups import crypto
from backups.manifest import CHUNK, BackupError, file_sha256


class BackupWriter:
    """Creates the files of a new backup in `work`, encrypting them with `key` unless it is None."""

    def __init__(self, work, *, key=None):
        self.work = Path(work)
        self.key = key

    def encryption(self):
        """The manifest's "encryption" entry."""
        if self.key is None:
            return None
        return {"algorithm": crypto.ALGORITHM, "chunk_bytes": crypto.CHUNK, "key_check": crypto.key_check(self.key)}

    def open_binary(self, name):
        path = self.work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = open(path, "xb")  # noqa: SIM115 (the caller closes what it is handed)
        return raw if self.key is None else crypto.EncryptingWriter(raw, key=self.key, name=name)

    def open_text(self, name):
        return io.TextIOWrapper(io.BufferedWriter(self.open_binary(name), CHUNK), encoding="utf-8", newline="\n")

    def copy_in(self, source, name):
        with open(source, "rb") as reader, self.open_binary(name) as writer:
            shutil.copyfileobj(reader, writer, CHUNK)

    def entry(self, name):
        path = self.work / name
        return {"sha256": file_sha256(path), "size": path.stat().st_size}


class _Checked(io.RawIOBase):
    """The stored bytes of one file, hashed as read; at the end, BackupError unless they match the manifest."""

    def __init__(self, path, *, name, expected):
        super().__init__()
        self._raw = open(path, "rb")  # noqa: SIM115 (closed by close())
        self._name, self._expected = name, expected
        self._digest, self._size, self._checked = hashlib.sha256(), 0, False

    def readable(self):
        return True

    def readinto(self, buffer):
        if not len(buffer):
            return 0
        count = self._raw.readinto(buffer)
        if count:
            self._digest.update(memoryview(buffer)[:count])
            self._size += count
        elif not self._checked:
            self._checked = True
            if self._size != self._expected["size"] or not hmac.compare_digest(
                    self._digest.hexdigest(), self._expected["sha256"]):
                raise BackupError(_("备份文件校验和不符（文件已损坏或被修改）：%(name)s") % {"name": self._name})
        return count

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()


class BackupReader:
    """Reads the files of the backup in `directory` whose (verified) manifest is `manifest`.

    The encryption key is asked for only when a file is opened: checking an encrypted backup's stored files
    (backup_verify --backup-only) needs the signing key only.
    """

    def __init__(self, directory, manifest):
        self.directory = Path(directory)
        self.manifest = manifest
        self.encryption = manifest.get("encryption")
        self._key = None
        self._content = {}

    @property
    def encrypted(self):
        return self.encryption is not None

    def key(self):
        if self._key is None:
            if self.encryption.get("algorithm") != crypto.ALGORITHM:
                raise BackupError(_("不支持的备份加密方式：%(name)s。") % {"name": self.encryption.get("algorithm")})
            key = crypto.configured_key()
            if key is None:
                raise BackupError(_("此备份已加密（AES-256-GCM）：请设置备份时使用的 BACKUP_ENCRYPTION_KEY 后再校验或恢复。"))
            if not hmac.compare_digest(crypto.key_check(key), str(self.encryption.get("key_check", ""))):
                raise BackupError(_("BACKUP_ENCRYPTION_KEY 不是加密此备份时使用的密钥，无法解密。"))
            self._key = key
        return self._key

    def open_binary(self, name):
        """The content of `name` (decrypted), checked against the manifest as it is read."""
        raw = _Checked(self.directory / name, name=name, expected=self.manifest["files"][name])
        if not self.encrypted:
            return raw
        try:
            return crypto.DecryptingReader(raw, key=self.key(), name=name)
        except BaseException:
            raw.close()
            raise

    def open_text(self, name):
        return io.TextIOWrapper(io.BufferedReader(self.open_binary(name), CHUNK), encoding="utf-8", newline="\n")

    def copy_out(self, name, target):
        """Write the content of `name` to `target` (parents created, never overwritten)."""
        digest = hashlib.sha256()
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        with self.open_binary(name) as reader, open(target, "xb") as writer:
            while block := reader.read(CHUNK):
                digest.update(block)
                writer.write(block)
        self._content[name] = digest.hexdigest()

    def content_sha256(self, name):
        """The SHA-256 of the content of `name` (for an encrypted backup, of the decrypted bytes)."""
        if not self.encrypted:
            return self.manifest["files"][name]["sha256"]
        if name not in self._content:
            digest = hashlib.sha256()
            with self.open_binary(name) as reader:
                while block := reader.read(CHUNK):
                    digest.update(block)
            self._content[name] = digest.hexdigest()
        return self._content[name]
