"""Bounded load test: gunicorn on PostgreSQL, 50 clerks saving sections while 10 reviewers read.

Run from the project root (it re-runs itself under scripts/with-postgres when DATABASE_URL is unset):

    .venv/bin/python benchmarks/load.py [--duration 120] [--clerks 50] [--reviewers 10] [--workers 4]

It migrates the throwaway database, loads the demo (load_demo) and adds one synthetic department
per clerk (the seed report's content, one clerk each) under one 归口业务科室 per reviewer, then
starts gunicorn (DEBUG off) on a free 127.0.0.1 port. Every simulated user is a thread speaking
HTTP/1.1 with http.client and logs in through the real login form (CSRF token from the page).

- A clerk opens a section of its report (GET), thinks, changes one field to a new unique value and
  saves it (POST, the form as the page rendered it), then follows the redirect (GET). A save is
  acknowledged when the POST answers 302 back to the section.
- A reviewer opens the home page and one of its office's reports (the HTML form), and every
  --pdf-every reads its PDF. (Reviewers do not return reports: their review pages were being
  built when this was written; returning would also stop the clerks' edits.)
- Users start at random moments within the first think time (a ramp-up, as people arrive), then
  pause --think MIN MAX seconds (default 10 to 20) before each next step.
- One probe requests the login page (a trivial view) every 0.5 s, as a baseline in the same run.

Only loopback traffic; every loop ends at the deadline. Afterwards every acknowledged save's last
value is read back from the database. Prints p50/p95/max and throughput per endpoint and exits
non-zero on any error, any lost save, or a page/save endpoint whose p95 is 500 ms or more
(the PDF is reported, not held to that: one render alone takes about 0.8 s of CPU).
"""
import argparse
import html.parser
import http.client
import http.cookies
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "Load-test-2021!"
P95_LIMIT_MS = 500
# (section, first posted field whose name starts with this, value for clerk n's i-th save)
EDITS = (
    ("cover", "cover-contact_phone", lambda n, i: f"0730-{n:02d}{i:06d}"),
    ("narrative", "narrative-problems", lambda n, i: f"负载测试：第{n}号填报人第{i}次保存。"),
    ("people", "signoff-filler_phone", lambda n, i: f"139{n:02d}{i:06d}"),
    ("goals", "qualitative-0-actual", lambda n, i: f"已完成（第{n}号填报人第{i}次保存）"),
    ("scores", "scores-reason__", lambda n, i: f"扣分说明 {n}-{i}"),
    ("finance", "income-0-org_name", lambda n, i: f"负载测试单位{n:02d}（{i}）"),
    ("base-data", "base-satisfaction", lambda n, i: f"{80 + i % 20}.{n % 100:02d}"),
)


# --- The simulated browser ------------------------------------------------------------------
class FormFields(html.parser.HTMLParser):
    """The name/value pairs a browser would post from a page's inputs, textareas and selects."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea, self.fields[name] = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.fields):
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(page):
    parser = FormFields()
    parser.feed(page)
    # A browser drops the newline that starts a textarea's content.
    return {k: (v[1:] if v.startswith("\n") else v) for k, v in parser.fields.items()}


class Browser:
    """One user's cookies over one keep-alive-when-possible connection; records every request."""

    def __init__(self, port, stats, name):
        self.port, self.stats, self.name, self.cookies = port, stats, name, {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, label, method, path, data=None):
        headers = {"Host": "127.0.0.1", "User-Agent": f"evalsite-load/{self.name}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.stats.record(label, time.perf_counter() - started, 0, f"{type(error).__name__}: {error}")
            return 0, {}, ""
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.connection.close()
        self.stats.record(label, elapsed, response.status, None)
        return response.status, response.headers, content.decode("utf-8", "replace")

    def login(self, username):
        status, _h, page = self.request("login page GET (setup)", "GET", "/accounts/login/")
        token = form_fields(page).get("csrfmiddlewaretoken", "")
        status, headers, _p = self.request("login POST (setup)", "POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/"})
        if status != 302:
            self.stats.error(f"login of {username} failed with HTTP {status}")
            raise SystemExit(1)


class Clock:
    """The start signal and the deadline, set once every user has logged in."""

    def __init__(self):
        self.started, self.deadline = threading.Event(), None

    def start(self, duration):
        self.deadline = time.monotonic() + duration
        self.started.set()

    def wait(self):
        self.started.wait()
        return self.deadline


class Stats:
    def __init__(self):
        self.lock, self.samples, self.errors = threading.Lock(), {}, []
        self.measuring = False

    def record(self, label, seconds, status, error):
        bad = error or not (200 <= status < 400)
        with self.lock:
            if bad:
                self.errors.append(f"{label}: {error or f'HTTP {status}'}")
            if self.measuring or label.endswith("(setup)"):
                self.samples.setdefault(label, []).append(seconds)

    def error(self, message):
        with self.lock:
            self.errors.append(message)


# --- Simulated users ------------------------------------------------------------------------
def clerk(number, report_id, port, stats, clock, acknowledged, think):
    browser = Browser(port, stats, f"clerk{number:02d}")
    browser.login(f"load_clerk{number:02d}")
    deadline = clock.wait()
    rng = random.Random(number)
    time.sleep(rng.uniform(0, think[1]))  # ramp-up: users arrive over the first think time, not all at once
    save = 0
    while time.monotonic() < deadline:
        key, prefix, make_value = EDITS[save % len(EDITS)]
        url = f"/reports/{report_id}/edit/{key}/"
        status, _h, page = browser.request("section GET", "GET", url)
        if status != 200:
            continue
        fields = form_fields(page)
        name = next((n for n in fields if n.startswith(prefix)), None)
        if name is None:
            stats.error(f"clerk{number:02d}: no field {prefix} on {url}")
            return
        time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))
        if time.monotonic() >= deadline:
            break
        save += 1
        value = make_value(number, save)
        fields[name] = value
        status, headers, _p = browser.request("section POST (save)", "POST", url, fields)
        if status == 302 and urllib.parse.urlsplit(headers.get("Location", "")).path == url:
            acknowledged[(report_id, key, name)] = value
            browser.request("section GET", "GET", url)  # the redirect, as a browser follows it
        else:
            stats.error(f"clerk{number:02d}: save of {name} answered HTTP {status}")
        time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))


def reviewer(number, report_ids, port, stats, clock, think, pdf_every):
    browser = Browser(port, stats, f"reviewer{number:02d}")
    browser.login(f"load_reviewer{number:02d}")
    deadline = clock.wait()
    rng = random.Random(1000 + number)
    time.sleep(rng.uniform(0, think[1]))
    reads = 0
    while time.monotonic() < deadline:
        browser.request("home GET", "GET", "/")
        report_id = rng.choice(report_ids)
        browser.request("report page GET", "GET", f"/reports/{report_id}/")
        reads += 1
        if pdf_every and reads % pdf_every == 0:
            browser.request("report PDF GET", "GET", f"/reports/{report_id}/pdf/")
        time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))


def probe(port, stats, clock):
    browser = Browser(port, stats, "probe")
    deadline = clock.wait()
    while time.monotonic() < deadline:
        browser.cookies.clear()
        browser.request("login page GET (trivial)", "GET", "/accounts/login/")
        time.sleep(0.5)


# --- Set-up ---------------------------------------------------------------------------------
def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def seed(clerks, reviewers):
    """The demo plus one department, report and clerk per clerk, one office and reviewer per reviewer."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsite.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from accounts.models import User
    from departments.enums import Role
    from departments.models import Bureau, Department, Membership, Office
    from reports.demo import BUREAU, seed_document
    from reports.interchange import report_import

    password = make_password(PASSWORD)  # hashed once: 60 PBKDF2 runs would only slow the set-up
    bureau = Bureau.objects.get(name=BUREAU[0])
    offices = [Office.objects.get_or_create(bureau=bureau, name=f"负载测试科{k + 1:02d}")[0] for k in range(reviewers)]
    by_office = {office.pk: [] for office in offices}
    reports = {}
    with transaction.atomic():
        for n in range(1, clerks + 1):
            office = offices[(n - 1) % reviewers]
            department = Department.objects.create(
                bureau=bureau, code=f"9{n:05d}", name=f"负载测试单位{n:02d}", office=office)
            document = seed_document()
            document["department"] = {"code": department.code, "name": department.name}
            report = report_import(document=document)
            user = User.objects.create(username=f"load_clerk{n:02d}", full_name=f"填报人{n:02d}", password=password)
            Membership.objects.create(user=user, role=Role.CLERK, department=department)
            reports[n] = report.pk
            by_office[office.pk].append(report.pk)
        reviewer_reports = {}
        for k, office in enumerate(offices, start=1):
            user = User.objects.create(username=f"load_reviewer{k:02d}", full_name=f"审核人{k:02d}", password=password)
            Membership.objects.create(user=user, role=Role.REVIEWER, office=office)
            reviewer_reports[k] = by_office[office.pk]
    connection.close()
    return reports, reviewer_reports


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port, workers):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0",
           "DJANGO_HSTS_SECONDS": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "evalsite.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    for _attempt in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


# --- Checking and reporting -----------------------------------------------------------------
def lost_saves(acknowledged):
    """Acknowledged saves whose value is not what the database holds now: [(report, field, sent, stored)]."""
    from django.db import connection

    from reports.forms.sections import SECTIONS
    from reports.models import Report

    lost = []
    for (report_id, key, name), value in sorted(acknowledged.items()):
        report = Report.objects.get(pk=report_id)
        stored = None
        for _n, _t, part in SECTIONS[key](report).part_list():
            for form in getattr(part, "forms", [part]):
                for field_name, field in form.fields.items():
                    if form.add_prefix(field_name) == name:
                        stored = field.prepare_value(form[field_name].value())
        if str(stored) != value:
            lost.append((report_id, name, value, stored))
    connection.close()
    return lost


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def report(stats, duration):
    rows = []
    for label, values in sorted(stats.samples.items()):
        if label.endswith("(setup)"):
            continue
        rows.append((label, len(values), len(values) / duration, statistics.median(values) * 1000,
                     percentile(values, 0.95) * 1000, max(values) * 1000))
    print("| endpoint | requests | req/s | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for label, count, rate, p50, p95, top in rows:
        print(f"| {label} | {count} | {rate:.2f} | {p50:.0f} | {p95:.0f} | {top:.0f} |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (default 120)")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--think", type=float, nargs=2, default=(10.0, 20.0), metavar=("MIN", "MAX"),
                        help="seconds a user pauses between requests, uniform (default 10 20)")
    parser.add_argument("--pdf-every", type=int, default=4, help="a reviewer reads the PDF every Nth report (0: never)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.execv(str(ROOT / "scripts" / "with-postgres"), [str(ROOT / "scripts" / "with-postgres"), PYTHON, *sys.argv])

    print("Migrating and loading the demo ...", flush=True)
    manage("migrate", "--noinput", "-v0")
    manage("load_demo")
    reports, reviewer_reports = seed(args.clerks, args.reviewers)
    port = free_port()
    print(f"Seeded {len(reports)} departments; starting gunicorn ...", flush=True)
    server = start_gunicorn(port, args.workers)
    stats, acknowledged, clock = Stats(), {}, Clock()
    try:
        users = [
            threading.Thread(target=clerk, args=(n, report_id, port, stats, clock, acknowledged, args.think), daemon=True)
            for n, report_id in reports.items()
        ] + [
            threading.Thread(target=reviewer, args=(k, ids, port, stats, clock, args.think, args.pdf_every), daemon=True)
            for k, ids in reviewer_reports.items()
        ]
        print(f"Logging in {len(users)} users through the login form ...", flush=True)
        for thread in users:
            thread.start()
            time.sleep(0.05)
        give_up = time.monotonic() + 600
        while len(stats.samples.get("login POST (setup)", [])) < len(users):  # each waits on the clock after login
            if stats.errors or time.monotonic() > give_up:
                raise RuntimeError(stats.errors[0] if stats.errors else "logins did not finish in 600 s")
            time.sleep(0.2)
        users.append(threading.Thread(target=probe, args=(port, stats, clock), daemon=True))
        users[-1].start()
        stats.measuring = True
        began = time.monotonic()
        clock.start(args.duration)
        print(f"Load: {args.clerks} clerks, {args.reviewers} reviewers, {args.duration:.0f} s, "
              f"gunicorn {args.workers} workers on 127.0.0.1:{port}", flush=True)
        for thread in users:
            thread.join(timeout=args.duration + 120)
        elapsed = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = report(stats, elapsed)
    lost = lost_saves(acknowledged)
    slow = [r[0] for r in rows if "PDF" not in r[0] and r[4] >= P95_LIMIT_MS]
    print(f"\nduration {elapsed:.1f} s; acknowledged saves checked: {len(acknowledged)} fields "
          f"({len(stats.samples.get('section POST (save)', []))} saves); lost: {len(lost)}; errors: {len(stats.errors)}")
    for message in stats.errors[:20]:
        print("  error:", message)
    for item in lost[:20]:
        print("  lost:", item)
    if slow:
        print("  p95 at or over 500 ms:", ", ".join(slow))
    sys.exit(1 if stats.errors or lost or slow else 0)


if __name__ == "__main__":
    main()
