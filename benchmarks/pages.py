"""Throughput of the editor's section pages against a plain crispy form page of the same app.

Run from the project root:  .venv/bin/python benchmarks/pages.py [--seconds 3] [--rounds 3] [--profile KEY]

Migrates a throwaway SQLite database, loads the demo (`manage.py load_demo`) and, with DEBUG off, requests
through Django's WSGI handler (as gunicorn calls it; see WsgiClient) as the demo 填报人 (the whole stack:
middleware, session, permission checks, queries, forms, templates):
  baseline   GET /accounts/password/ (the password change page: one crispy form, the same base template);
  <section>  GET /reports/<pk>/edit/<section>/ for each section of the seed report.
Each page is requested for --seconds per round, between two windows of the baseline; rounds interleave the
pages so that the machine's noise hits all alike. Prints requests/s (best round), queries per request, body size,
the ratio of best rounds to the baseline's best, the same per second of this process's CPU time, and the paired
ratio: the median over rounds of the page's rate to the mean of the baseline windows around it (target ≥ 0.5). --profile KEY prints the top functions of one page.
"""
import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "evalsite.settings", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0",
    "AUDIT_HMAC_KEY": os.environ.get("AUDIT_HMAC_KEY", "benchmark-only-" + "y" * 40),
    "BACKUP_HMAC_KEYS": os.environ.get("BACKUP_HMAC_KEYS", "bench:benchmark-only-" + "z" * 40),
})


def prepare(db_path):
    env = {**os.environ, "DJANGO_SQLITE_PATH": str(db_path)}
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def pages():
    from django.urls import reverse

    from reports.forms.sections import SECTIONS
    from reports.models import Report

    report = Report.objects.get(evaluation_year__year=2021, department__code="106019")
    urls = {"baseline": reverse("password_change")}
    urls.update({key: reverse("report_section", args=[report.pk, key]) for key in SECTIONS})
    return urls


class WsgiClient:
    """GET requests through django.core.handlers.wsgi.WSGIHandler, the callable gunicorn serves, with the cookies of
    a test client logged in as `user` (kept up to date from each response's Set-Cookie, as a browser keeps them).

    Not django.test.Client: it connects and disconnects signal receivers around every request, and each connect
    leaves a weakref.finalize that is never freed (3 a request, measured with gc.get_objects()). Over a run's
    30,000 requests the collector then walks ever more objects, which slows the pages that allocate most the most,
    and the ratio drifts with the order the pages run in. The database connection stays open across requests
    (close_old_connections detached once, as the test client detaches it per request), as CONN_MAX_AGE keeps a
    PostgreSQL connection."""

    def __init__(self, user):
        from http.cookies import SimpleCookie

        from django.core import signals
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import close_old_connections
        from django.test import Client

        login = Client()
        login.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        self.cookies = SimpleCookie()
        self.cookies.update(login.cookies)
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.handler = WSGIHandler()

    def get(self, path):
        import io
        import types

        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": "; ".join(f"{morsel.key}={morsel.coded_value}" for morsel in self.cookies.values()),
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers

        result = self.handler(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            result.close()
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                self.cookies.load(value)
        return types.SimpleNamespace(status_code=int(started["status"].split()[0]), content=content)


def client():
    from accounts.models import User

    User.objects.filter(username="clerk").update(must_change_password=False)
    return WsgiClient(User.objects.get(username="clerk"))


def measure(http, url, seconds):
    from django.db import connection

    queries = []
    # Django empties connection.queries when a request starts; count through a wrapper instead.
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        http.get(url)
        count += 1
    rate_cpu = count / max(time.process_time() - cpu, 1e-9)
    return count / (time.perf_counter() - started), rate_cpu, len(queries), len(response.content)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default="")
    parser.add_argument("--queries", default="", help="print the SQL of one page")
    parser.add_argument("--db", default="", help="an already prepared database (skips migrate and load_demo)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(args.db) if args.db else Path(scratch) / "pages.sqlite3"
        os.environ["DJANGO_STATIC_ROOT"] = str(Path(scratch) / "static")
        if not args.db:
            prepare(db)
        else:
            for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
                subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT,
                               env={**os.environ, "DJANGO_SQLITE_PATH": str(db)}, check=True)
        os.environ["DJANGO_SQLITE_PATH"] = str(db)
        import django

        django.setup()
        urls, http = pages(), client()
        if args.queries:
            from django.db import connection

            seen = []
            http.get(urls[args.queries])  # the page as the timed requests see it (the check list cached)
            with connection.execute_wrapper(lambda execute, sql, *rest: seen.append(sql) or execute(sql, *rest)):
                http.get(urls[args.queries])
            print("\n".join(sql[:220] for sql in seen))
            return
        if args.profile:
            profiler = cProfile.Profile()
            http.get(urls[args.profile])
            profiler.enable()
            for _ in range(50):
                http.get(urls[args.profile])
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(os.environ.get("PROFILE_FILTER", str(ROOT) + r"/(?!\.venv)"), 40)
            stats.sort_stats("tottime").print_stats(25)
            return
        rates = {name: [] for name in urls}
        cpu_rates = {name: [] for name in urls}
        paired = {name: [] for name in urls if name != "baseline"}
        facts = {}
        pages_only = [name for name in urls if name != "baseline"]
        for _round in range(args.rounds):
            # baseline, cover, baseline, finance, baseline, …: each page between two baseline windows, so that
            # its paired ratio (to their mean) is measured at the same speed of the machine.
            before, baseline_rate = None, None
            for name in ["baseline", *(step for page in pages_only for step in (page, "baseline"))]:
                rate, rate_cpu, queries, size = measure(http, urls[name], args.seconds)
                rates[name].append(rate)
                cpu_rates[name].append(rate_cpu)
                facts[name] = (queries, size)
                if name == "baseline":
                    if before is not None:
                        page, page_rate = before
                        paired[page].append(page_rate / ((baseline_rate + rate) / 2))
                    baseline_rate = rate
                else:
                    before = (name, rate)
        base, base_cpu = max(rates["baseline"]), max(cpu_rates["baseline"])
        # "per CPU s": requests per second of this process's CPU time, which other work on a loaded machine
        # disturbs much less than the wall clock. "paired": the median over rounds of the page's rate over the
        # mean of the baseline windows just before and after it (the target is on this one: on a shared
        # machine the best rounds of two pages are often minutes and a different machine speed apart).
        print(f"{'page':<12} {'req/s best':>10} {'median':>8} {'queries':>8} {'KiB':>7} {'ratio':>6} "
              f"{'per CPU s':>9} {'CPU ratio':>9} {'paired':>7}")
        for name in urls:
            best = max(rates[name])
            pair = statistics.median(paired[name]) if name in paired else 1.0
            print(f"{name:<12} {best:>10.1f} {statistics.median(rates[name]):>8.1f} {facts[name][0]:>8} "
                  f"{facts[name][1] / 1024:>7.1f} {best / base:>6.2f} {max(cpu_rates[name]):>9.1f} "
                  f"{max(cpu_rates[name]) / base_cpu:>9.2f} {pair:>7.2f}")
        worst = min(statistics.median(paired[n]) for n in paired)
        print(f"lowest paired ratio {worst:.2f} (target ≥ 0.5)")
        sys.exit(0 if worst >= 0.5 else 1)


if __name__ == "__main__":
    main()
