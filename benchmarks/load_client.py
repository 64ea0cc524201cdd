"""The simulated browser of benchmarks/load.py: form parsing, one user's HTTP connection and cookies,
the start signal and deadline, and the per-endpoint timings and errors."""
import html.parser
import http.client
import http.cookies
import threading
import time
import urllib.parse

PASSWORD = "Load-test-2021!"


class FormFields(html.parser.HTMLParser):
    """The name/value pairs a browser would post from a page's inputs, textareas and selects (those
    of the <form id=form_id> only, when given)."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.fields, self._textarea, self._select = {}, None, None
        self.form_id, self._inside = form_id, form_id is None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self._inside = attrs.get("id") == self.form_id
        if not self._inside:
            return
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
        if tag == "form" and self.form_id is not None:
            self._inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(page, form_id=None):
    parser = FormFields(form_id)
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
        # (when it ended, on time.monotonic(); seconds) of every measured request, for the timeline
        self.ended = []

    def record(self, label, seconds, status, error):
        bad = error or not (200 <= status < 400)
        with self.lock:
            if bad:
                self.errors.append(f"{label}: {error or f'HTTP {status}'}")
            if self.measuring or label.endswith("(setup)"):
                self.samples.setdefault(label, []).append(seconds)
            if self.measuring and not label.endswith("(setup)"):
                self.ended.append((time.monotonic(), seconds))

    def error(self, message):
        with self.lock:
            self.errors.append(message)



def pause(rng, think, deadline):
    """Think for MIN–MAX seconds (uniform), cut at the deadline; True while time is left."""
    time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))
    return time.monotonic() < deadline
