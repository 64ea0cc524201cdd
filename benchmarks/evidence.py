"""Upload memory: a 50 MB evidence upload must keep the worker's peak RSS within 30 MB of its resting size.

Run from the project root:

    .venv/bin/python benchmarks/evidence.py [--megabytes 50] [--limit-mb 30]

It migrates a throwaway SQLite database and file store, loads the demo (manage.py load_demo) and starts
gunicorn with one sync worker (DEBUG off) on a free 127.0.0.1 port. A client signs in as the demo 填报人
through the login form and attaches files to the seed report's 预算调整率 row through the real upload
form (multipart, CSRF token from the page):

1. warm-up: a small PDF, so that every module of the upload path is loaded;
2. resting: the worker's VmRSS, read from /proc after the warm-up; its peak (VmHWM) is then reset
   (`/proc/<pid>/clear_refs`, 5);
3. the big upload: a valid PDF of --megabytes MB (one blank page and a large unreferenced stream, so the
   content check reads all of it), sent in 1 MiB pieces; the worker's VmHWM afterwards is its peak.

Prints resting, peak and their difference, and the upload's time; exits non-zero when the upload is not
acknowledged (302), the stored file's SHA-256 differs from the one sent, or the peak exceeds resting by
--limit-mb MB or more.
"""
import argparse
import hashlib
import http.client
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
ROW = ("score", "budget_adjustment_rate")
PIECE = 1024 * 1024
MB = 1000 * 1000


def big_pdf(megabytes):
    """A valid PDF of about `megabytes` MB: a blank page and one large stream of digits and spaces (no
    "/" in it, so nothing looks like a PDF name)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    padding = StreamObject()
    padding.set_data(b"0123456789 " * (megabytes * MB // 11))
    writer._root_object[NameObject("/EvidenceBenchmarkPadding")] = writer._add_object(padding)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def small_pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Client:
    """Just enough of a browser: one connection, cookies, the CSRF token from the last page."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location"), text

    @staticmethod
    def token(page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def login(self, username, password):
        _status, _location, page = self.request("GET", "/accounts/login/")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token(page), "username": username,
                                       "password": password}).encode()
        status, location, _page = self.request(
            "POST", "/accounts/login/", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise SystemExit(f"login failed: HTTP {status}")

    def upload(self, path, name, content, description):
        _status, _location, page = self.request("GET", path)
        boundary = secrets.token_hex(16)
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n{value}\r\n'
            for field, value in (("csrfmiddlewaretoken", self.token(page)), ("description", description))
        ).encode()
        head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: application/pdf\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def pieces():
            yield head
            for start in range(0, len(content), PIECE):
                yield content[start:start + PIECE]
            yield tail

        length = len(head) + len(content) + len(tail)
        status, location, _page = self.request("POST", path, pieces(), {
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)})
        return status, location


def proc_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def worker_pid(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--limit-mb", type=float, default=30)
    args = parser.parse_args()
    content = big_pdf(args.megabytes)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "evalsite.settings", "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "AUDIT_HMAC_KEY": secrets.token_urlsafe(32),
            "BACKUP_HMAC_KEYS": "bench:" + secrets.token_urlsafe(32), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SQLITE_PATH": str(Path(tmp, "db.sqlite3")), "DJANGO_MEDIA_ROOT": str(Path(tmp, "media")),
            "DJANGO_FILE_UPLOAD_TEMP_DIR": tmp, "EVIDENCE_MAX_FILE_MB": str(args.megabytes + 10),
        }
        env.pop("DATABASE_URL", None)
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env={**env, "DJANGO_STATIC_ROOT": tmp + "/static"},
                           check=True, stdout=subprocess.DEVNULL)
        report_pk, password = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c",
             "from reports.demo import DEMO_PASSWORD; from reports.models import Report; "
             "print(Report.objects.get(department__code='106019').pk, DEMO_PASSWORD)"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.splitlines()[-1].split()
        port = free_port()
        server = subprocess.Popen(
            [GUNICORN, "evalsite.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "600"],
            cwd=ROOT, env={**env, "DJANGO_STATIC_ROOT": tmp + "/static"}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            wait_for(port)
            worker = worker_pid(server.pid)
            client = Client(port)
            client.login("clerk", password)
            path = f"/reports/{report_pk}/evidence/{ROW[0]}/{ROW[1]}/"
            warm = client.upload(path, "warm-up.pdf", small_pdf(), "warm-up")
            resting = proc_kib(worker, "VmRSS")
            Path(f"/proc/{worker}/clear_refs").write_text("5")
            started = time.perf_counter()
            status, location = client.upload(path, "决算附表.pdf", content, "年度决算附表扫描件")
            seconds = time.perf_counter() - started
            peak = proc_kib(worker, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = sorted(Path(tmp, "media", "evidence").rglob("*"), key=lambda p: p.stat().st_size if p.is_file() else 0)
        sha_stored = hashlib.sha256(stored[-1].read_bytes()).hexdigest() if stored else ""
    grown = (peak - resting) * 1024 / MB
    print(f"upload: {len(content) / MB:.1f} MB in {seconds:.2f} s ({len(content) / MB / seconds:.1f} MB/s), "
          f"HTTP {status} (warm-up HTTP {warm[0]})")
    print(f"worker RSS: resting {resting * 1024 / MB:.1f} MB, peak during the upload {peak * 1024 / MB:.1f} MB, "
          f"grown {grown:.1f} MB (limit {args.limit_mb:g} MB)")
    failures = []
    if status != 302 or warm[0] != 302:
        failures.append(f"upload not acknowledged: HTTP {status}, warm-up {warm[0]}")
    if sha_stored != hashlib.sha256(content).hexdigest():
        failures.append("the stored file differs from the one sent")
    if grown >= args.limit_mb:
        failures.append(f"peak RSS grew by {grown:.1f} MB")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
