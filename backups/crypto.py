"""Optional encryption of a backup's files: AES-256-GCM over 1 MiB chunks (the STREAM construction).

An encrypted file is MAGIC, a random 16-byte salt, then chunks of at most CHUNK plaintext bytes, each
sealed with its 16-byte tag. Each file has its own key, HKDF-SHA256 of BACKUP_ENCRYPTION_KEY with the salt
and the file's name in the backup, so two files never share a key and one cannot stand in for another.
A chunk's nonce is its index and whether it is the last one: a removed, repeated or reordered chunk, a file
cut at a chunk boundary or one with chunks appended fails its tag. Memory is one chunk, whatever the size.
"""
import base64
import binascii
import hashlib
import hmac
import io
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from backups.manifest import BackupError

ALGORITHM = "AES-256-GCM-STREAM-HKDF-SHA256"
MAGIC = b"EVBKAES1"
SALT_BYTES = 16
CHUNK = 1024 * 1024
TAG_BYTES = 16
KEY_BYTES = 32


def decode_key(value):
    """The 32 bytes of a base64 BACKUP_ENCRYPTION_KEY; BackupError when it is anything else."""
    try:
        # Standard or URL-safe alphabet.
        key = base64.b64decode(value.strip().replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise BackupError(_("BACKUP_ENCRYPTION_KEY 不是 base64 编码的 32 字节密钥（可用 "
                            "python -c \"import base64, os; print(base64.b64encode(os.urandom(32)).decode())\" 生成）。"))
    return key


def configured_key():
    """BACKUP_ENCRYPTION_KEY decoded, or None when it is not set."""
    value = getattr(settings, "BACKUP_ENCRYPTION_KEY", "")
    return decode_key(value) if value else None


def key_check(key):
    """A value that tells whether a key is the one a backup was encrypted with, and nothing about the key."""
    return hmac.new(key, b"evalsite-backup key check", hashlib.sha256).hexdigest()[:32]


def _file_cipher(key, salt, name):
    info = b"evalsite-backup file\x00" + name.encode("utf-8")
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(key))


def _nonce(index, last):
    return struct.pack(">QB3x", index, 1 if last else 0)


class EncryptingWriter(io.RawIOBase):
    """Encrypts what is written to it into the binary file `raw` (which it closes)."""

    def __init__(self, raw, *, key, name):
        super().__init__()
        self._raw = raw
        salt = os.urandom(SALT_BYTES)
        self._raw.write(MAGIC + salt)
        self._cipher = _file_cipher(key, salt, name)
        self._buffer = bytearray()
        self._index = 0

    def writable(self):
        return True

    def write(self, data):
        self._buffer += data
        # Keep at least one byte back: the last chunk is sealed as the last one by close().
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain, *, last):
        self._raw.write(self._cipher.encrypt(_nonce(self._index, last), plain, None))
        self._index += 1

    def close(self):
        if not self.closed:
            try:
                self._seal(bytes(self._buffer), last=True)
                self._buffer.clear()
            finally:
                self._raw.close()
        super().close()


class DecryptingReader(io.RawIOBase):
    """The plaintext of the encrypted binary file `raw` (which it closes); BackupError as soon as a chunk fails."""

    def __init__(self, raw, *, key, name):
        super().__init__()
        self._name = name
        self._raw = raw
        header = self._raw.read(len(MAGIC) + SALT_BYTES)
        if len(header) != len(MAGIC) + SALT_BYTES or not header.startswith(MAGIC):
            self._raw.close()
            raise BackupError(_("备份文件不是本系统加密的文件：%(name)s") % {"name": name})
        self._cipher = _file_cipher(key, header[len(MAGIC):], name)
        self._ahead = self._raw.read(CHUNK + TAG_BYTES)
        self._plain = memoryview(b"")
        self._index = 0
        self._done = False

    def readable(self):
        return True

    def _open_next(self):
        block, self._ahead = self._ahead, self._raw.read(CHUNK + TAG_BYTES)
        last = not self._ahead
        try:
            if len(block) < TAG_BYTES:
                raise InvalidTag
            self._plain = memoryview(self._cipher.decrypt(_nonce(self._index, last), block, None))
        except InvalidTag:
            raise BackupError(_(
                "加密的备份文件 %(name)s 第 %(chunk)s 块无法解密：文件被截断、重排或修改，或密钥不对。") % {
                "name": self._name, "chunk": self._index + 1}) from None
        self._index += 1
        self._done = last

    def readinto(self, buffer):
        while not len(self._plain) and not self._done:
            self._open_next()
        count = min(len(buffer), len(self._plain))
        buffer[:count] = self._plain[:count]
        self._plain = self._plain[count:]
        return count

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()
