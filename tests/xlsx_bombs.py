"""Hostile .xlsx files made byte by byte: a whitespace bomb, huge sheets, XML entity tricks.

`archive` writes a ZIP by hand so that a member can be a deflate block repeated many times: a 1.5 GB
sheet of whitespace is then 1.5 MB on disk and takes a fraction of a second to make.
"""
import functools
import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

MB = 1024 * 1024


def _deflate(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _repeated_deflate(block, times):
    """A raw deflate stream of `block` repeated `times` times, its CRC-32 and size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)  # no history: repeatable as is
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return body * times + b"\x03\x00", crc, len(block) * times


def archive(members):
    """ZIP bytes of `members`: name -> bytes, or name -> (block, times) for a repeated block."""
    out, central = io.BytesIO(), []
    for name, content in members.items():
        if isinstance(content, tuple):
            data, crc, size = _repeated_deflate(*content)
        else:
            data, crc, size = _deflate(content), zlib.crc32(content), len(content)
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0))
        out.write(encoded)
        out.write(data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def workbook_parts(header=("预算编码", "部门名称", "上级预算编码", "归口业务科室"), rows=()):
    """The parts of a real openpyxl workbook, to keep all but the one a test replaces."""
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        return {name: source.read(name) for name in source.namelist()}


SHEET = "xl/worksheets/sheet1.xml"
SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = b"</sheetData></worksheet>"


@functools.cache
def whitespace_bomb(gigabytes=1.5):
    """A department sheet whose worksheet XML is `gigabytes` of whitespace (the issue's 1.5 MB file)."""
    parts = workbook_parts()
    parts[SHEET] = (b" " * MB, int(gigabytes * 1024))
    return archive(parts)


def many_rows(count):
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%d</t></is></c></row>' % (n, n, n)
                    for n in range(1, count + 1))
    parts = workbook_parts()
    parts[SHEET] = SHEET_OPEN + rows + SHEET_CLOSE
    return archive(parts)


def far_cell(reference):
    """One cell far away (e.g. A1048576 or XFD1): openpyxl would walk every empty row or column up to it."""
    parts = workbook_parts()
    parts[SHEET] = SHEET_OPEN + b'<row><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>' % reference.encode() + SHEET_CLOSE
    return archive(parts)


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                             for n in range(1, 10))
                  + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   + SHEET_OPEN[SHEET_OPEN.index(b"<worksheet"):]
                   + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>' + SHEET_CLOSE)


def with_part(name, content):
    parts = workbook_parts()
    parts[name] = content
    return archive(parts)
