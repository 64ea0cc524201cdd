"""AES-256-GCM in chunks: what goes in comes out, and any change to the stream is a Chinese refusal."""
import base64
import io
import os

import pytest

from backups import crypto
from backups.manifest import BackupError

KEY = bytes(range(32))


def _encrypt(plain, *, key=KEY, name="db/x.jsonl"):
    raw = io.BytesIO()
    raw.close = lambda: None  # keep the bytes readable after the writer closes its file
    with crypto.EncryptingWriter(raw, key=key, name=name) as writer:
        for start in range(0, len(plain), 300_000):  # writes that do not line up with chunks
            writer.write(plain[start:start + 300_000])
    return raw.getvalue()


def _decrypt(data, *, key=KEY, name="db/x.jsonl"):
    with crypto.DecryptingReader(io.BytesIO(data), key=key, name=name) as reader:
        return reader.read()


def _split(data):
    head = len(crypto.MAGIC) + crypto.SALT_BYTES
    size = crypto.CHUNK + crypto.TAG_BYTES
    return data[:head], [data[i:i + size] for i in range(head, len(data), size)]


@pytest.mark.parametrize("size", [0, 1, crypto.CHUNK - 1, crypto.CHUNK, crypto.CHUNK + 1, 2 * crypto.CHUNK + 7])
def test_every_size_round_trips_in_chunks_of_one_mebibyte(size):
    plain = os.urandom(size)

    data = _encrypt(plain)

    chunks = max(1, -(-size // crypto.CHUNK))
    assert len(data) == len(crypto.MAGIC) + crypto.SALT_BYTES + size + chunks * crypto.TAG_BYTES
    assert _decrypt(data) == plain


def test_the_same_content_encrypts_differently_each_time():
    assert _encrypt(b"same") != _encrypt(b"same")


def _refusal(data, **kwargs):
    with pytest.raises(BackupError) as raised:
        _decrypt(data, **kwargs)
    return raised.value.problems


def _cannot(chunk, name="db/x.jsonl"):
    return [f"加密的备份文件 {name} 第 {chunk} 块无法解密：文件被截断、重排或修改，或密钥不对。"]


@pytest.mark.parametrize(("change", "chunk"), [
    (lambda c: [c[1], c[0], c[2]], 1),
    (lambda c: c[:2], 2),
    (lambda c: [c[0], c[2]], 2),
    (lambda c: [*c, c[2]], 3),
    (lambda c: [c[0], c[1], c[2][:-1]], 3),
    (lambda c: [], 1),
], ids=["reordered", "last-chunk-removed", "middle-chunk-removed", "chunk-appended", "cut-inside-a-chunk", "no-chunk"])
def test_a_changed_stream_is_refused_at_the_first_bad_chunk(change, chunk):
    head, chunks = _split(_encrypt(os.urandom(2 * crypto.CHUNK + 10)))

    assert _refusal(head + b"".join(change(chunks))) == _cannot(chunk)


def test_a_flipped_bit_is_refused():
    data = bytearray(_encrypt(b"{\"is_superuser\": false}\n"))
    data[-20] ^= 1

    assert _refusal(bytes(data)) == _cannot(1)


def test_a_wrong_key_or_another_file_name_is_refused():
    data = _encrypt(b"rows")

    assert (_refusal(data, key=bytes(32)), _refusal(data, name="db/y.jsonl")) == (_cannot(1), _cannot(1, "db/y.jsonl"))


def test_a_file_that_is_not_encrypted_is_named():
    assert _refusal(b"{\"model\": \"accounts.user\"}\n") == ["备份文件不是本系统加密的文件：db/x.jsonl"]


@pytest.mark.parametrize("value", ["", "c2hvcnQ=", "not base64!", "A" * 44])
def test_a_key_must_be_32_bytes_of_base64(value):
    with pytest.raises(BackupError):
        crypto.decode_key(value)


def test_a_key_decodes_from_standard_or_url_safe_base64():
    key = bytes([0xFB, 0xFF] * 16)

    assert crypto.decode_key(base64.b64encode(key).decode()) == crypto.decode_key(
        base64.urlsafe_b64encode(key).decode()) == key
