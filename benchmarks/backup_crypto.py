"""Backup encryption: throughput and peak memory of backups.crypto on one large file.

Usage: .venv/bin/python benchmarks/backup_crypto.py [MiB]   (default 256)
Encrypts a file of random bytes with EncryptingWriter, decrypts it with DecryptingReader, and prints
MiB/s each way and the process's peak RSS before and after, which should grow by about one chunk, not the file.
"""
import hashlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsite.test_settings")
django.setup()

from backups import crypto  # noqa: E402 (after django.setup())


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    key = os.urandom(32)
    with tempfile.TemporaryDirectory() as tmp:
        plain, sealed = Path(tmp) / "plain.bin", Path(tmp) / "sealed.bin"
        digest = hashlib.sha256()
        with open(plain, "wb") as handle:
            for _ in range(size):
                block = os.urandom(crypto.CHUNK)
                digest.update(block)
                handle.write(block)
        before = peak_mib()
        start = time.perf_counter()
        with open(plain, "rb") as reader, crypto.EncryptingWriter(open(sealed, "xb"), key=key, name="media/x") as writer:
            while block := reader.read(64 * 1024):
                writer.write(block)
        encrypt = time.perf_counter() - start
        start = time.perf_counter()
        check = hashlib.sha256()
        with crypto.DecryptingReader(open(sealed, "rb"), key=key, name="media/x") as reader:
            while block := reader.read(crypto.CHUNK):
                check.update(block)
        decrypt = time.perf_counter() - start
        assert check.digest() == digest.digest()
        print(f"{size} MiB: encrypt {size / encrypt:.0f} MiB/s, decrypt {size / decrypt:.0f} MiB/s; "
              f"peak RSS {before:.0f} MiB before, {peak_mib():.0f} MiB after; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
