#!/usr/bin/env python3
"""A live attack run of issue #12 over real HTTP: `.venv/bin/python scripts/attack.py`.

Starts the app as `make serve` does (gunicorn with gunicorn.conf.py, DEBUG off, a throwaway PostgreSQL through
scripts/with-postgres, the demo loaded, static files collected), plus a break-glass superuser `root`, then plays
each case with the demo accounts (password Demo-2021-pass) through http.client, CSRF tokens and cookies handled
as a browser does. The server trusts X-Real-IP (AUDIT_CLIENT_IP_HEADER, as behind the documented reverse proxy),
so each client plays its own address. A second gunicorn on the same database runs with ACCOUNTS_TOTP_REQUIRED.

Prints one line per case, PASS or FAIL with what was seen, then the counts; exits 1 on any FAIL. Each case also
checks the database (through the ORM, the same PostgreSQL) that nothing changed, and a control that the account
entitled to the action does reach it, so a broken setup cannot pass. Not part of `make test` (docs/security.md).
"""
import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Demo-2021-pass"
ROOT_PASSWORD = "Break-glass-" + secrets.token_urlsafe(12)
SERVER_LOG = tempfile.NamedTemporaryFile(prefix="evalsite-attack-", suffix=".log", delete=False)  # noqa: SIM115


# --- A browser ------------------------------------------------------------------------------------
class Browser:
    """Cookies, the CSRF token of the last page and one client address (X-Real-IP); no redirects followed."""

    def __init__(self, port, ip):
        self.port, self.ip, self.cookies, self.token = port, ip, {}, ""

    def request(self, method, path, fields=None, files=None):
        headers = {"X-Real-IP": self.ip, "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            fields = {"csrfmiddlewaretoken": self.token or self.cookies.get("csrftoken", ""), **(fields or {})}
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            if files:
                boundary = uuid.uuid4().hex
                parts = []
                for name, value in fields.items():
                    for item in value if isinstance(value, list) else [value]:
                        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
                for name, (filename, content) in files.items():
                    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                                 "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
                body = b"".join(parts) + f"--{boundary}--\r\n".encode()
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urlencode(fields, doseq=True).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                cookie = rest.split(";")[0]
                if cookie and "max-age=0" not in value.lower():
                    self.cookies[name.strip()] = cookie
                else:
                    self.cookies.pop(name.strip(), None)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        connection.close()
        return Response(response.status, dict((k.lower(), v) for k, v in response.getheaders()), text)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields=None, files=None):
        return self.request("POST", path, fields, files)

    def login(self, username, password=PASSWORD):
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password, "next": "/"})


class Response:
    def __init__(self, status, headers, text):
        self.status, self.headers, self.text = status, headers, text

    def __repr__(self):
        return f"HTTP {self.status}"


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


# --- Setup ----------------------------------------------------------------------------------------
def server_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "evalsite.settings", "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0",
        "AUDIT_CLIENT_IP_HEADER": "HTTP_X_REAL_IP", "GUNICORN_ACCESS_LOG": "/dev/null",
    })
    env.update(extra)
    return env


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=server_env(), check=True,
                   stdout=subprocess.DEVNULL)


def start_gunicorn(port, **extra):
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "evalsite.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=server_env(**extra), stdout=SERVER_LOG, stderr=subprocess.STDOUT,
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


class World:
    """The running servers and what the cases need to know about the demo (read through the ORM)."""

    def __init__(self, port, totp_port):
        from departments.models import Department
        from reports.models import Report

        self.port, self.totp_port = port, totp_port
        self.own = Report.objects.get(department__code="106019")    # clerk's and head's department
        self.other = Report.objects.get(department__code="106020")  # clerk2's department
        self.other_department = Department.objects.get(code="106020")
        self._ip = 0

    def browser(self, port=None):
        self._ip += 1
        return Browser(port or self.port, f"10.77.{self._ip // 250}.{self._ip % 250 + 1}")

    def signed_in(self, username, port=None):
        browser = self.browser(port)
        response = browser.login(username, ROOT_PASSWORD if username == "root" else PASSWORD)
        expect(response.status == 302, f"{username} could not sign in ({response})")
        return browser

    @staticmethod
    def state(report):
        from reports.models import Report

        return Report.objects.filter(pk=report.pk).values_list("status", "revision").get()

    def move(self, report, to, username):
        from accounts.models import User
        from reports.workflow import move

        move(type(report).objects.get(pk=report.pk), to, by=User.objects.get(username=username))


# --- The cases ------------------------------------------------------------------------------------
def no_fill_or_submit(world, username):
    """`username` neither saves a section of nor submits 106020's 草稿; clerk2 may open it (control)."""
    from reports.forms.sections import SECTIONS

    first = next(iter(SECTIONS))
    control = world.signed_in("clerk2").get(f"/reports/{world.other.pk}/edit/{first}/")
    expect(control.status == 200, f"control: clerk2 opens its own editor: {control}")
    browser = world.signed_in(username)
    before = world.state(world.other)
    seen = []
    for key in SECTIONS:
        response = browser.post(f"/reports/{world.other.pk}/edit/{key}/", {"revision": before[1]})
        expect(response.status in (403, 404), f"section {key}: {response}")
        seen.append(response.status)
    response = browser.post(f"/reports/{world.other.pk}/submit/", {"revision": before[1]})
    expect(response.status < 500, f"submit: {response}")
    expect(world.state(world.other) == before, f"report changed: {before} -> {world.state(world.other)}")
    return f"{len(seen)} sections {sorted(set(seen))}, submit {response.status}, report unchanged {before}"


def no_forward(world, username):
    """`username` cannot 部门审核-approve 106019 (in 部门审核); the head can open that page (control)."""
    from reports.enums import Status

    if world.state(world.own)[0] == Status.DRAFT:
        world.move(world.own, Status.DEPT_REVIEW, "clerk")
    control = world.signed_in("head").get(f"/reports/{world.own.pk}/dept-review/")
    expect(control.status == 200, f"control: head opens 部门审核: {control}")
    before = world.state(world.own)
    browser = world.signed_in(username)
    response = browser.post(f"/reports/{world.own.pk}/dept-review/", {
        "revision": before[1], "action": "approve", "opinion": "同意。", "comment": ""})
    expect(response.status in (403, 404), f"dept-review: {response}")
    expect(world.state(world.own) == before, f"report changed: {before} -> {world.state(world.own)}")
    return f"dept-review {response.status}, report unchanged {before}"


def no_approve(world, username):
    """`username` cannot approve 106019 (in 财政审核); the reviewer can open that page (control)."""
    from reports.enums import Status

    if world.state(world.own)[0] == Status.DEPT_REVIEW:
        world.move(world.own, Status.FINANCE_REVIEW, "head")
    control = world.signed_in("reviewer").get(f"/reports/{world.own.pk}/review/")
    expect(control.status == 200, f"control: reviewer opens 财政审核: {control}")
    before = world.state(world.own)
    browser = world.signed_in(username)
    response = browser.post(f"/reports/{world.own.pk}/review/", {
        "revision": before[1], "action": "approve", "opinion": "同意。", "comment": ""})
    expect(response.status in (403, 404), f"review: {response}")
    reopen = browser.post(f"/reports/{world.own.pk}/reopen/", {"revision": before[1], "comment": "x"})
    expect(reopen.status in (403, 404, 405), f"reopen: {reopen}")
    expect(world.state(world.own) == before, f"report changed: {before} -> {world.state(world.own)}")
    return f"review {response.status}, reopen {reopen.status}, report unchanged {before}"


def no_password_reset_of_protected_accounts(world):
    """sysadmin resets an ordinary account (control) but not secadmin's, auditor's or root's password."""
    from accounts.models import User

    browser = world.signed_in("sysadmin")
    spare = User.objects.get(username="attack-spare")
    new = {"usable_password": "true", "password1": "Reset-pass-2021x", "password2": "Reset-pass-2021x"}
    browser.get(f"/admin/accounts/user/{spare.pk}/password/")
    control = browser.post(f"/admin/accounts/user/{spare.pk}/password/", new)
    expect(control.status == 302, f"control: sysadmin resets an ordinary account: {control}")
    seen = []
    for username in ("secadmin", "auditor", "root"):
        target = User.objects.get(username=username)
        page = browser.get(f"/admin/accounts/user/{target.pk}/password/")
        response = browser.post(f"/admin/accounts/user/{target.pk}/password/", new)
        expect(page.status in (403, 404) and response.status in (403, 404), f"{username}: GET {page}, POST {response}")
        expect(User.objects.get(pk=target.pk).password == target.password, f"{username}'s password changed")
        seen.append(f"{username} {response.status}")
    return ", ".join(seen) + "; passwords unchanged"


def no_self_granted_business_role(world):
    """secadmin granting itself 管理员 is a form error (200, not a 500) and no membership."""
    from accounts.models import User
    from departments.enums import Role
    from departments.models import Membership

    browser = world.signed_in("secadmin")
    me = User.objects.get(username="secadmin")
    browser.get("/admin/departments/membership/add/")
    response = browser.post("/admin/departments/membership/add/", {"user": me.pk, "role": Role.ADMIN.value})
    expect(response.status == 200, f"add membership: {response}")
    expect("不能给自己分配角色" in response.text, "no form error at the field")
    expect(not Membership.objects.filter(user=me).exists(), "secadmin holds a membership")
    clerk = User.objects.get(username="head")
    other = browser.post("/admin/departments/membership/add/", {
        "user": clerk.pk, "role": Role.HEAD.value, "department": world.other_department.pk})
    expect(other.status == 302, f"control: secadmin grants head a role in 106020: {other}")
    Membership.objects.filter(user=clerk, department=world.other_department).delete()
    return "form error 不能给自己分配角色 (200), no membership; granting another account works (302)"


def lockout_is_per_name_and_address(world):
    """Five wrong passwords lock clerk2 from that address only: clerk2 elsewhere and head there still sign in."""
    guesser = world.browser()
    statuses = [guesser.login("clerk2", f"wrong-{n}").status for n in range(6)]
    expect(statuses[-1] == 429, f"no lockout after 6 failures: {statuses}")
    locked = guesser.login("clerk2")
    expect(locked.status == 429, f"clerk2 with the right password from the guesser's address: {locked}")
    elsewhere = world.browser().login("clerk2")
    expect(elsewhere.status == 302, f"clerk2 from another address: {elsewhere}")
    other_account = Browser(world.port, guesser.ip).login("head")
    expect(other_account.status == 302, f"head from the guesser's address: {other_account}")
    return f"failures {statuses}; same address {locked.status}, other address 302, other account 302"


def verify_is_rate_limited(world):
    """The public /verify/ page answers 429 with Retry-After past 20 a minute per address; another address not."""
    scanner = world.browser()
    statuses = [scanner.get(f"/verify/{secrets.token_urlsafe(12)}/").status for _n in range(25)]
    limited = scanner.get(f"/verify/{secrets.token_urlsafe(12)}/")
    expect(limited.status == 429 and limited.headers.get("retry-after") == "60", f"no 429: {statuses}")
    expect("频繁" in limited.text or "稍后" in limited.text, "429 without a Chinese message")
    other = world.browser().get(f"/verify/{secrets.token_urlsafe(12)}/")
    expect(other.status == 404, f"another address: {other}")
    return f"{statuses.count(404)}×404 then {statuses.count(429)}×429 (Retry-After 60); another address 404"


def workbook_bomb_is_a_message(world):
    """A 1.5 MB .xlsx declaring 1.5 GB of whitespace uploaded to the department sheet: a Chinese error, not a 500."""
    sys.path.insert(0, str(ROOT))
    from tests.xlsx_bombs import whitespace_bomb

    bomb = whitespace_bomb()
    browser = world.signed_in("admin")
    browser.get("/manage/departments/import/")
    started = time.monotonic()
    response = browser.post("/manage/departments/import/", {"action": "check"}, files={"file": ("部门.xlsx", bomb)})
    took = time.monotonic() - started
    expect(response.status == 200, f"upload: {response}")
    error = re.search(r'class="[^"]*(?:invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</(?:span|div|ul)>', response.text, re.S)
    message = re.sub(r"<[^>]+>", "", error.group(1)).strip() if error else ""
    expect(re.search(r"[\u4e00-\u9fff]", message), "no Chinese error at the field")
    return f"{len(bomb) / 1e6:.1f} MB bomb: 200 in {took:.2f} s, “{message}”"


def cross_department_is_404(world):
    """clerk2 gets 404 for every page of 106019's report (and 200 for its own: control)."""
    browser = world.signed_in("clerk2")
    own = browser.get(f"/reports/{world.other.pk}/")
    expect(own.status == 200, f"control: clerk2 opens its own report: {own}")
    pk = world.own.pk
    paths = [f"/reports/{pk}/", f"/reports/{pk}/edit/", f"/reports/{pk}/check/", f"/reports/{pk}/pdf/",
             f"/reports/{pk}/docx/", f"/reports/{pk}/dossier.zip", f"/reports/{pk}/history/",
             f"/reports/{pk}/evidence/", f"/reports/{pk}/dept-review/", f"/reports/{pk}/review/"]
    statuses = {path: browser.get(path).status for path in paths}
    expect(set(statuses.values()) == {404}, f"not all 404: {statuses}")
    return f"{len(paths)} pages of another department's report: all 404"


def password_change_needs_the_second_factor(world):
    """With ACCOUNTS_TOTP_REQUIRED, the password page and its POST send a signed-in user to the second factor."""
    from accounts.models import User

    browser = world.browser(world.totp_port)
    signed = browser.login("auditor")
    expect(signed.status == 302, f"auditor signs in on the TOTP server: {signed}")
    page = browser.get("/accounts/password/")
    expect(page.status == 302 and "/accounts/otp/" in page.headers.get("location", ""), f"password page: {page}")
    before = User.objects.get(username="auditor").password
    posted = browser.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Changed-pass-2021x", "new_password2": "Changed-pass-2021x"})
    expect(posted.status == 302 and "/accounts/otp/" in posted.headers.get("location", ""), f"POST: {posted}")
    expect(User.objects.get(username="auditor").password == before, "the password changed without the second factor")
    return f"GET and POST /accounts/password/ → 302 {page.headers['location'].split('?')[0]}; password unchanged"


CASES = [
    ("superuser cannot fill or submit another department's report", lambda w: no_fill_or_submit(w, "root")),
    ("admin cannot fill or submit another department's report", lambda w: no_fill_or_submit(w, "admin")),
    ("superuser cannot forward (部门审核) a report", lambda w: no_forward(w, "root")),
    ("admin cannot forward (部门审核) a report", lambda w: no_forward(w, "admin")),
    ("superuser cannot approve or reopen a report", lambda w: no_approve(w, "root")),
    ("admin cannot approve or reopen a report", lambda w: no_approve(w, "admin")),
    ("sysadmin cannot reset secadmin/auditor/superuser passwords", no_password_reset_of_protected_accounts),
    ("secadmin cannot grant itself a business role (form error)", no_self_granted_business_role),
    ("lockout is per username + address", lockout_is_per_name_and_address),
    ("/verify/ rate limit answers 429", verify_is_rate_limited),
    ("workbook bomb upload is a Chinese error, not a 500", workbook_bomb_is_a_message),
    ("cross-department report URLs are 404", cross_department_is_404),
    ("password change with TOTP requires the second factor", password_change_needs_the_second_factor),
]


def run_cases(world, cases=CASES):
    failed = 0
    for name, case in cases:
        try:
            detail = case(world)
            print(f"PASS  {name}: {detail}", flush=True)
        except Exception as error:  # noqa: BLE001 (a case that crashes is a FAIL, and the run goes on)
            failed += 1
            print(f"FAIL  {name}: {error if isinstance(error, Failed) else f'{type(error).__name__}: {error}'}", flush=True)
    return failed


def main():
    if not os.environ.get("DATABASE_URL"):
        os.execv(str(ROOT / "scripts" / "with-postgres"), [str(ROOT / "scripts" / "with-postgres"), sys.executable,
                                                           *sys.argv])
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("BACKUP_HMAC_KEYS", "attack:" + secrets.token_urlsafe(32))
    static = tempfile.mkdtemp(prefix="evalsite-attack-static-")
    os.environ["DJANGO_STATIC_ROOT"] = static
    os.environ["AUDIT_ANCHOR_PATH"] = str(Path(static) / "anchors.jsonl")
    started = time.monotonic()
    manage("migrate", "--noinput", "-v0")
    manage("load_demo")
    manage("collectstatic", "--noinput", "-v0")
    for key, value in server_env().items():
        os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from accounts.models import User

    User.objects.create_superuser("root", password=ROOT_PASSWORD)
    spare = User(username="attack-spare", full_name="一般账户")
    spare.set_password(PASSWORD)
    spare.save()
    port, totp_port = free_port(), free_port()
    servers = [start_gunicorn(port), start_gunicorn(totp_port, ACCOUNTS_TOTP_REQUIRED="1")]
    try:
        world = World(port, totp_port)
        failed = run_cases(world)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    total = len(CASES)
    print(f"server log: {SERVER_LOG.name}")
    print(f"{total - failed} passed, {failed} failed of {total} cases in {time.monotonic() - started:.0f} s "
          f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
