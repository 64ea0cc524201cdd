"""Bounded load test: gunicorn on PostgreSQL, 50 clerks saving sections while 10 reviewers review and return.

Run from the project root (it re-runs itself under scripts/with-postgres when DATABASE_URL is unset):

    .venv/bin/python benchmarks/load.py [--duration 120] [--clerks 50] [--reviewers 10] [--workers 4]
                                        [--think 10 20] [--review-pool N] [--save-share 0.5]

It migrates the throwaway database, loads the demo (load_demo) and adds one synthetic department
per clerk (the seed report's content, one clerk each) under one 归口业务科室 per reviewer. Each
office also gets --review-pool departments of its own whose reports are staged in 财政审核 through
reports.workflow.move (a staging clerk submits, a staging head forwards), so the reviewers have
reports to return while the clerks' own reports stay editable. Then it starts gunicorn (DEBUG off)
on a free 127.0.0.1 port. Every simulated user is a thread speaking HTTP/1.1 with http.client
(benchmarks/load_client.py) and logs in through the real login form (CSRF token from the page).

- A clerk opens a section of its report (GET), thinks, changes one field to a new unique value and
  saves it (POST, the form as the page rendered it), then follows the redirect (GET), and goes on to
  the next section. A save is acknowledged when the POST answers 302 back to the section. Clerk n
  starts at the n-th of the seven sections (--in-step: all at the first).
- A reviewer opens the queue (GET /review/), picks a report it may review (a 复核 link), thinks, and
  opens its 财政审核 page. With probability --save-share it thinks, lowers one row's 复核得分 by a
  point below the 自评得分 with a 复核说明 and presses 保存 (the review form as the page rendered
  it, action=save), which is acknowledged when it answers 302 back to the page; it follows that.
  Then it thinks, types a return comment and presses 退回修改 (action=return), acknowledged when it
  answers 302 to the home page, which it follows; then it thinks again.
- Users start at random moments within the first think time (a ramp-up, as people arrive), then
  pause --think MIN MAX seconds (default 10 to 20) before each next step.
- One probe requests the login page (a trivial view) every 0.5 s, as a baseline in the same run.

Only loopback traffic; every loop ends at the deadline. Afterwards every acknowledged clerk save's
last value, every acknowledged 复核得分 and 复核说明, and a StatusChange 财政审核 → 草稿 with the
comment of every acknowledged return are read back from the database. Prints p50/p95/max and
throughput per endpoint and exits non-zero on any error (a reviewer finding no report left to
review is one), any lost save or return, or an endpoint whose p95 is 500 ms or more.
"""
import argparse
import http.client
import itertools
import math
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

from load_client import PASSWORD, Browser, Clock, Stats, form_fields, pause

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
P95_LIMIT_MS = 500
# Set-up logins (each a PBKDF2 hash) go a few at a time: hundreds at once queue past the client's 60 s timeout
# on two shared cores, and the login storm is not what this test measures.
LOGIN_GATE = threading.Semaphore(4)
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
# The table's rows, in this order.
LABELS = {
    "probe": "login page GET (trivial baseline)",
    "section": "section GET (clerk)",
    "save": "section POST — save (clerk)",
    "queue": "review queue GET (reviewer)",
    "review": "review page GET (reviewer)",
    "review_save": "review POST — save 复核得分 (reviewer)",
    "return": "review POST — return (reviewer)",
    "home": "home GET (reviewer, after a return)",
}
REVIEW_LINK = re.compile(r'href="/reports/(\d+)/review/"')
# A row of the review table: its indicator code and 自评得分 as the page shows them.
REVIEW_ROW = re.compile(r'<tr id="review-row-([\w-]+)"[^>]*>.*?<td class="self-score">([^<]*)</td>', re.S)


# --- Simulated users ------------------------------------------------------------------------
def clerk(number, report_id, port, stats, clock, acknowledged, think, in_step=False):
    browser = Browser(port, stats, f"clerk{number:02d}")
    with LOGIN_GATE:
        browser.login(f"load_clerk{number:02d}")
    deadline = clock.wait()
    rng = random.Random(number)
    time.sleep(rng.uniform(0, think[1]))  # ramp-up: users arrive over the first think time, not all at once
    save = 0
    # Clerk n starts at the n-th section, so that at any moment the clerks are spread over the seven sections as in a
    # deadline week; --in-step starts them all at the first, and they then move through the sections together.
    first = 0 if in_step else number % len(EDITS)
    while time.monotonic() < deadline:
        key, prefix, make_value = EDITS[(first + save) % len(EDITS)]
        url = f"/reports/{report_id}/edit/{key}/"
        status, _h, page = browser.request(LABELS["section"], "GET", url)
        if status != 200:
            continue
        fields = form_fields(page)
        name = next((n for n in fields if n.startswith(prefix)), None)
        if name is None:
            stats.error(f"clerk{number:02d}: no field {prefix} on {url}")
            return
        if not pause(rng, think, deadline):
            break
        save += 1
        value = make_value(number, save)
        fields[name] = value
        status, headers, _p = browser.request(LABELS["save"], "POST", url, fields)
        if status == 302 and urllib.parse.urlsplit(headers.get("Location", "")).path == url:
            acknowledged[(report_id, key, name)] = value
            browser.request(LABELS["section"], "GET", url)  # the redirect, as a browser follows it
        else:
            stats.error(f"clerk{number:02d}: save of {name} answered HTTP {status}")
        pause(rng, think, deadline)


def review_edit(fields, page, rng, text):
    """Lower one row's 复核得分 a point below its 自评得分, with a 复核说明: (code, score, note), or None."""
    rows = [(code, Decimal(score)) for code, score in REVIEW_ROW.findall(page) if score.strip()]
    rows = [(code, score) for code, score in rows if score >= 1 and f"review_score__{code}" in fields]
    if not rows:
        return None
    code, self_score = rng.choice(rows)
    score, note = f"{(self_score - 1).normalize():f}", f"复核说明：{text}，较自评扣1分。"
    fields[f"review_score__{code}"], fields[f"review_note__{code}"] = score, note
    return code, score, note


def reviewer(number, port, stats, clock, think, save_share, returns, review_saves):
    name = f"reviewer{number:02d}"
    browser = Browser(port, stats, name)
    with LOGIN_GATE:
        browser.login(f"load_{name}")
    deadline = clock.wait()
    rng = random.Random(1000 + number)
    time.sleep(rng.uniform(0, think[1]))
    done = 0
    while time.monotonic() < deadline:
        status, _h, page = browser.request(LABELS["queue"], "GET", "/review/")
        waiting = REVIEW_LINK.findall(page) if status == 200 else []
        if status == 200 and not waiting:
            stats.error(f"{name}: no report left to review (raise --review-pool)")
            return
        if not pause(rng, think, deadline) or not waiting:
            continue
        report_id = int(rng.choice(waiting))
        url = f"/reports/{report_id}/review/"
        status, _h, page = browser.request(LABELS["review"], "GET", url)
        if status != 200 or not pause(rng, think, deadline):
            continue
        done += 1
        text = f"第{number}号审核人第{done}份报告"
        if rng.random() < save_share:
            fields = {**form_fields(page, "review-form"), "action": "save"}
            edit = review_edit(fields, page, rng, text)
            if edit is None:
                stats.error(f"{name}: no row to review on {url}")
                return
            status, headers, _p = browser.request(LABELS["review_save"], "POST", url, fields)
            if status == 302 and urllib.parse.urlsplit(headers.get("Location", "")).path == url:
                review_saves[(report_id, edit[0])] = edit[1:]
                status, _h, page = browser.request(LABELS["review"], "GET", url)  # the redirect
            else:
                stats.error(f"{name}: 复核得分 save on {url} answered HTTP {status}")
            if status != 200 or not pause(rng, think, deadline):
                continue
        comment = f"负载测试退回：{text}，请补充佐证材料。"
        fields = {**form_fields(page, "review-form"), "action": "return", "comment": comment}
        status, headers, _p = browser.request(LABELS["return"], "POST", url, fields)
        landed = urllib.parse.urlsplit(headers.get("Location", "")).path
        if status == 302 and landed == "/review/":  # back on the queue after a return
            returns.append((report_id, comment))
            browser.request(LABELS["queue"], "GET", landed)
        else:
            stats.error(f"{name}: return of {url} answered HTTP {status}")
        pause(rng, think, deadline)


def probe(port, stats, clock):
    browser = Browser(port, stats, "probe")
    deadline = clock.wait()
    while time.monotonic() < deadline:
        browser.cookies.clear()
        browser.request(LABELS["probe"], "GET", "/accounts/login/")
        time.sleep(0.5)


# --- Set-up ---------------------------------------------------------------------------------
def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def seed(clerks, reviewers, pool, approved=0):
    """The demo plus one department, report and clerk per clerk, one office and reviewer per reviewer,
    and `pool` departments per office whose reports are staged in 财政审核, and an admin.
    Returns ({clerk n: report id}, the admin's id, the offices' names)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsite.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from accounts.models import User
    from departments.enums import Role
    from departments.models import Bureau, Department, Membership, Office
    from reports.demo import BUREAU, seed_document
    from reports.enums import Status
    from reports.interchange import report_import
    from reports.workflow import move

    password = make_password(PASSWORD)  # hashed once: 60 PBKDF2 runs would only slow the set-up
    bureau = Bureau.objects.get(name=BUREAU[0])
    offices = [Office.objects.get_or_create(bureau=bureau, name=f"负载测试科{k + 1:02d}")[0] for k in range(reviewers)]

    def department_report(code, name, office):
        department = Department.objects.create(bureau=bureau, code=code, name=name, office=office)
        document = seed_document()
        document["department"] = {"code": department.code, "name": department.name}
        return department, report_import(document=document)

    reports = {}
    with transaction.atomic():
        for n in range(1, clerks + 1):
            department, report = department_report(f"9{n:05d}", f"负载测试单位{n:02d}", offices[(n - 1) % reviewers])
            user = User.objects.create(username=f"load_clerk{n:02d}", full_name=f"填报人{n:02d}", password=password)
            Membership.objects.create(user=user, role=Role.CLERK, department=department)
            reports[n] = report.pk
        for k, office in enumerate(offices, start=1):
            user = User.objects.create(username=f"load_reviewer{k:02d}", full_name=f"审核人{k:02d}", password=password)
            Membership.objects.create(user=user, role=Role.REVIEWER, office=office)
        admin = User.objects.create(username="load_admin", full_name="负载测试管理员", password=password)
        Membership.objects.create(user=admin, role=Role.ADMIN)
        stage_clerk = User.objects.create(username="load_stage_clerk", full_name="报送填报人", password=password)
        stage_head = User.objects.create(username="load_stage_head", full_name="报送负责人", password=password)
        staged = []
        for k, office in enumerate(offices, start=1):
            for j in range(1, pool + 1):
                department, report = department_report(f"8{k:02d}{j:03d}", f"待复核单位{k:02d}-{j:03d}", office)
                Membership.objects.create(user=stage_clerk, role=Role.CLERK, department=department)
                Membership.objects.create(user=stage_head, role=Role.HEAD, department=department)
                staged.append(report)
        # Fetched again: a user object caches its memberships (departments.selectors.roles_of).
        stage_clerk, stage_head = User.objects.get(pk=stage_clerk.pk), User.objects.get(pk=stage_head.pk)
        for report in staged:
            report = move(report, Status.DEPT_REVIEW, by=stage_clerk)
            move(report, Status.FINANCE_REVIEW, by=stage_head, comment="同意报送财政审核。")
        # `approved` further reports of the first office approved by its reviewer (their PDFs are archived by
        # the job workers once they start, or rendered by the ZIP job if it gets there first).
        approver = User.objects.get(username="load_reviewer01")
        for j in range(1, approved + 1):
            department, report = department_report(f"7{j:05d}", f"已审定单位{j:03d}", offices[0])
            Membership.objects.create(user=stage_clerk, role=Role.CLERK, department=department)
            Membership.objects.create(user=stage_head, role=Role.HEAD, department=department)
            stage_clerk, stage_head = User.objects.get(pk=stage_clerk.pk), User.objects.get(pk=stage_head.pk)
            report = move(report, Status.DEPT_REVIEW, by=stage_clerk)
            report = move(report, Status.FINANCE_REVIEW, by=stage_head, comment="同意报送财政审核。")
            move(report, Status.APPROVED, by=approver, comment="审定。")
    connection.close()
    return reports, admin.pk, [office.name for office in offices]


def seed_departments(count, offices):
    """`count` further departments of the 2021 year (a report each, a 三级 score row per rubric leaf, a
    quarter each 部门审核 and the rest 草稿), spread over the reviewers' offices, in set-based statements:
    one INSERT … SELECT over generate_series per table on PostgreSQL, no Python loop over rows. Their 预算编码
    (95…) sort after the staged and the clerks' ones, so the queue's first page still lists the staged reports.
    Returns the seconds it took."""
    from django.db import connection, transaction

    from departments.models import Bureau, Department, Office
    from reports.demo import BUREAU
    from reports.models import Report, ScoreEntry
    from scoring.models import EvaluationYear, Indicator

    began = time.monotonic()
    year = EvaluationYear.objects.get(year=2021)
    bureau = Bureau.objects.get(name=BUREAU[0])
    office_ids = list(Office.objects.filter(name__in=offices).order_by("name").values_list("pk", flat=True))
    leaves = Indicator.objects.filter(rubric=year.rubric, level=3)
    dept, rep, score = Department._meta.db_table, Report._meta.db_table, ScoreEntry._meta.db_table
    ind = Indicator._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {dept} (bureau_id, code, name, office_id, is_active) "
            f"SELECT %s, '95' || lpad(i::text, 5, '0'), '规模测试单位' || lpad(i::text, 5, '0'), "
            f"(%s::bigint[])[1 + i %% %s], true FROM generate_series(1, %s) AS i",
            [bureau.pk, office_ids, len(office_ids), count])
        cursor.execute(
            f"INSERT INTO {rep} (evaluation_year_id, department_id, status, revision, created_at, updated_at, "
            f"evaluation_method, evaluation_body, issuer, contact_name, contact_phone, functions, achievements, "
            f"leader_name, dept_opinion, dept_head_name, finance_opinion, finance_head_name, filler_name, "
            f"filler_phone, approved_digest, verification_token, approved_pdf) "
            f"SELECT %s, d.id, CASE WHEN d.id %% 4 = 0 THEN 'dept_review' ELSE 'draft' END, 1, now(), now(), "
            f"%s, %s, %s, '联系人', '0730-0000000', '', '', '', '', '', '', '', '', '', '', '', '' "
            f"FROM {dept} d WHERE d.code LIKE '95%%' AND length(d.code) = 7",
            [year.pk, Report._meta.get_field("evaluation_method").default,
             Report._meta.get_field("evaluation_body").default, bureau.issuer])
        cursor.execute(
            f"UPDATE {rep} SET submitted_at = now() WHERE status = 'dept_review' AND submitted_at IS NULL")
        cursor.execute(
            f"INSERT INTO {score} (report_id, indicator_id, self_score, deduction_reason, review_note, inputs, "
            f"suggestion_trace, flagged) "
            f"SELECT r.id, l.id, COALESCE(l.points, 0), '', '', '{{}}'::jsonb, '', false "
            f"FROM {rep} r JOIN {dept} d ON d.id = r.department_id CROSS JOIN {ind} l "
            f"WHERE d.code LIKE '95%%' AND length(d.code) = 7 AND r.evaluation_year_id = %s AND l.id IN %s",
            [year.pk, tuple(leaves.values_list("pk", flat=True))])
        cursor.execute("ANALYZE")
    return time.monotonic() - began


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env():
    """The environment of gunicorn and the job workers (the same keys, as on several machines)."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "AUDIT_HMAC_KEY": secrets.token_urlsafe(32), "BACKUP_HMAC_KEYS": "bench:" + secrets.token_urlsafe(32),
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0",
           "DJANGO_HSTS_SECONDS": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def start_job_workers(count, env, nice=0):
    """`count` job worker processes (manage.py jobs_worker, as scripts/with-workers starts them), at `nice`
    (in production they run on machines of their own; on one shared box a niceness stands in for that)."""
    return [subprocess.Popen(["nice", "-n", str(nice), PYTHON, "manage.py", "jobs_worker", "--no-reload",
                              "--interval", "1", "-v", "0"], cwd=ROOT, env=env) for _ in range(count)]


def start_jobs(admin_id, at, clock, started):
    """At `at` s into the run, start the year's workbook and ZIP jobs as the admin (jobs.services.job_start,
    what the dashboard's buttons call); their ids go to `started`."""
    from django.db import connection

    from accounts.models import User
    from jobs.enums import Kind
    from jobs.services import job_start

    clock.wait()
    time.sleep(at)
    admin = User.objects.get(pk=admin_id)
    for kind, title in ((Kind.WORKBOOK, "2021年度汇总表（负载测试）"), (Kind.YEAR_ZIP, "2021年度已审定报告压缩包（负载测试）")):
        started.append((kind, job_start(kind=kind, owner=admin, title=title, params={"year": 2021}).pk, time.monotonic()))
    connection.close()


def wait_jobs(started, timeout):
    """Wait until every started job has ended (or `timeout` s): [(kind, status, done, total, seconds, error)]."""
    from jobs.models import Job

    give_up = time.monotonic() + timeout
    while True:
        jobs = {job.pk: job for job in Job.objects.filter(pk__in=[pk for _k, pk, _t in started])}
        if all(job.status not in ("queued", "running") for job in jobs.values()) or time.monotonic() > give_up:
            break
        time.sleep(2)
    return [(kind, jobs[pk].status, jobs[pk].done, jobs[pk].total,
             (jobs[pk].finished_at - jobs[pk].created_at).total_seconds() if jobs[pk].finished_at else None,
             jobs[pk].error) for kind, pk, _t in started]


def start_gunicorn(port, workers, env):
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "evalsite.wsgi", "--bind", f"127.0.0.1:{port}",
         "--config", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers), "--timeout", "120",
         "--log-level", "warning", "--access-logfile", "/dev/null"],
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
    return lost


def lost_reviews(returns, review_saves):
    """Acknowledged returns without their StatusChange (财政审核 → 草稿, that comment) and acknowledged
    复核得分 saves whose score or note is not in the database: [(what, report, sent, stored)]."""
    from reports.enums import Status
    from reports.models import ScoreEntry, StatusChange

    lost = []
    for report_id, comment in returns:
        changes = StatusChange.objects.filter(
            report_id=report_id, from_status=Status.FINANCE_REVIEW, to_status=Status.DRAFT, comment=comment)
        if changes.count() != 1:
            lost.append(("return", report_id, comment, changes.count()))
    for (report_id, code), (score, note) in sorted(review_saves.items()):
        stored = ScoreEntry.objects.filter(report_id=report_id, indicator__code=code).values_list(
            "review_score", "review_note").first()
        if stored is None or stored[0] != Decimal(score) or stored[1] != note:
            lost.append(("复核得分", report_id, (code, score, note), stored))
    return lost


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def report(stats, duration):
    order = list(LABELS.values())
    rows = []
    labels = [label for label in stats.samples if not label.endswith("(setup)")]
    for label in sorted(labels, key=lambda label: (order.index(label) if label in order else len(order), label)):
        values = stats.samples[label]
        rows.append((label, len(values), len(values) / duration, statistics.median(values) * 1000,
                     percentile(values, 0.95) * 1000, max(values) * 1000))
    print("| endpoint | requests | req/s | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for label, count, rate, p50, p95, top in rows:
        print(f"| {label} | {count} | {rate:.2f} | {p50:.0f} | {p95:.0f} | {top:.0f} |")
    return rows


WINDOW = 15  # seconds a row of the timeline covers


def cpu_sampler(samples, stop):
    """Append (time.monotonic(), machine_cpu()) to `samples` every WINDOW s until `stop` is set."""
    while True:
        samples.append((time.monotonic(), machine_cpu()))
        if stop.wait(WINDOW):
            return


def timeline(stats, began, cpu):
    """Requests by the WINDOW s in which they ended: how many, p50, p95 and max, and how busy the cores were, so a
    run shows whether its slow requests are spread over it or come together (a warm-up, a stall)."""
    slots = {}
    for ended, seconds in stats.ended:
        slots.setdefault(int((ended - began) // WINDOW), []).append(seconds)
    busy = {}
    for (_t, (busy0, total0)), (t1, (busy1, total1)) in itertools.pairwise(cpu):
        busy[int((t1 - began - 1) // WINDOW)] = 100 * (busy1 - busy0) / max(total1 - total0, 1)
    print("\n| ended within (s) | requests | p50 ms | p95 ms | max ms | cores busy |")
    print("|---|---|---|---|---|---|")
    for slot in sorted(slots):
        values = slots[slot]
        share = f"{busy[slot]:.0f} %" if slot in busy else ""
        print(f"| {slot * WINDOW}–{(slot + 1) * WINDOW} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
              f"{percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} | {share} |")


def machine_cpu():
    """(busy, total) jiffies of all cores from /proc/stat: the share of the machine this run kept busy."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def process_cpu(roots):
    """{group: CPU seconds used so far} of the processes under each root pid in `roots` ({group: [pid, …]}), of
    PostgreSQL's processes ("postgres") and of everything else on the machine ("other"), from /proc/<pid>/stat."""
    ticks, parents, names = {}, {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue  # exited meanwhile
        name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        pid = int(entry)
        parents[pid], names[pid], ticks[pid] = int(rest[1]), name, int(rest[11]) + int(rest[12])
    group_of = {}
    for group, pids in roots.items():
        for pid in pids:
            group_of[pid] = group
    used = dict.fromkeys([*roots, "postgres", "other"], 0)
    for pid, tick in ticks.items():
        node, group = pid, None
        while node in parents and group is None:
            group, node = group_of.get(node), parents[node]
        used[group or ("postgres" if names[pid] == "postgres" else "other")] += tick
    hertz = os.sysconf("SC_CLK_TCK")
    return {group: value / hertz for group, value in used.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (default 120)")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--think", type=float, nargs=2, default=(10.0, 20.0), metavar=("MIN", "MAX"),
                        help="seconds a user pauses between requests, uniform (default 10 20)")
    parser.add_argument("--review-pool", type=int, default=None, metavar="N",
                        help="reports staged in 财政审核 per reviewer (default: more than a reviewer can return)")
    parser.add_argument("--save-share", type=float, default=0.5,
                        help="share of reviewed reports that get a 复核得分 saved before the return (default 0.5)")
    parser.add_argument("--departments", type=int, default=0,
                        help="further departments in the year, a report each (default 0; 15000 at province scale)")
    parser.add_argument("--approved", type=int, default=20,
                        help="approved reports whose PDFs the ZIP job packs (default 20)")
    parser.add_argument("--job-workers", type=int, default=2, help="job worker processes (default 2)")
    parser.add_argument("--job-nice", type=int, default=0,
                        help="niceness added to the job workers' own (JOBS_WORKER_NICE, 10 unless the environment "
                             "sets it; default 0)")
    parser.add_argument("--jobs-at", type=float, default=10, metavar="S",
                        help="start the workbook and ZIP jobs S seconds into the run (default 10; negative: none)")
    parser.add_argument("--in-step", action="store_true",
                        help="every clerk starts at the first section (they then edit the same section at about the "
                             "same time); by default clerk n starts at the n-th")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.execv(str(ROOT / "scripts" / "with-postgres"), [str(ROOT / "scripts" / "with-postgres"), PYTHON, *sys.argv])
    # A reviewer pauses at least three times per returned report (queue, page, after the return).
    pool = args.review_pool or math.ceil(args.duration / (3 * max(args.think[0], 0.5))) + 2

    print("Migrating and loading the demo ...", flush=True)
    manage("migrate", "--noinput", "-v0")
    manage("load_demo")
    staged = time.monotonic()
    reports, admin_id, office_names = seed(args.clerks, args.reviewers, pool, args.approved)
    print(f"Seeded {len(reports)} clerks' departments and {pool * args.reviewers} reports in 财政审核 "
          f"({pool} per reviewer) in {time.monotonic() - staged:.0f} s", flush=True)
    if args.departments:
        took = seed_departments(args.departments, office_names)
        print(f"Seeded {args.departments} further departments (reports, score rows) in {took:.1f} s", flush=True)
    port = free_port()
    env = server_env()
    env.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="load-media-"))
    print("starting gunicorn and the job workers ...", flush=True)
    server = start_gunicorn(port, args.workers, env)
    workers = start_job_workers(args.job_workers, env, args.job_nice) if args.jobs_at >= 0 else []
    stats, acknowledged, clock = Stats(), {}, Clock()
    returns, review_saves, started_jobs = [], {}, []
    load_before = os.getloadavg()
    try:
        users = [
            threading.Thread(target=clerk, daemon=True,
                             args=(n, report_id, port, stats, clock, acknowledged, args.think, args.in_step))
            for n, report_id in reports.items()
        ] + [
            threading.Thread(target=reviewer, daemon=True, args=(
                k, port, stats, clock, args.think, args.save_share, returns, review_saves))
            for k in range(1, args.reviewers + 1)
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
        if args.jobs_at >= 0:
            jobs_thread = threading.Thread(target=start_jobs, args=(admin_id, args.jobs_at, clock, started_jobs),
                                           daemon=True)
            jobs_thread.start()
        stats.measuring = True
        roots = {"gunicorn": [server.pid], "job workers": [w.pid for w in workers], "load client": [os.getpid()]}
        began, client_cpu_before, machine_before = time.monotonic(), time.process_time(), machine_cpu()
        processes_before = process_cpu(roots)
        cpu_samples, cpu_stop = [], threading.Event()
        threading.Thread(target=cpu_sampler, args=(cpu_samples, cpu_stop), daemon=True).start()
        clock.start(args.duration)
        print(f"Load: {args.clerks} clerks, {args.reviewers} reviewers, {args.duration:.0f} s, think "
              f"{args.think[0]:g}–{args.think[1]:g} s, gunicorn {args.workers} workers on 127.0.0.1:{port}", flush=True)
        for thread in users:
            thread.join(timeout=args.duration + 120)
        elapsed = time.monotonic() - began
        cpu_stop.set()
        client_cpu, machine_after = time.process_time() - client_cpu_before, machine_cpu()
        processes = {group: used - processes_before[group] for group, used in process_cpu(roots).items()}
        load_during = os.getloadavg()
        jobs = wait_jobs(started_jobs, 1800) if started_jobs else []
    finally:
        server.terminate()
        for worker in workers:
            worker.terminate()
        server.wait(timeout=30)
        for worker in workers:
            worker.wait(timeout=120)
    print(f"\nload average (1, 5, 15 min) before the run {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}, at its end {load_during[0]:.2f} {load_during[1]:.2f} {load_during[2]:.2f}")
    busy, total = (after - before for after, before in zip(machine_after, machine_before, strict=True))
    cores = os.cpu_count() or 1
    print(f"CPU during the run: the machine's {cores} cores {100 * busy / max(total, 1):.0f} % busy; this load client "
          f"(its {len(users)} threads) used {client_cpu:.0f} CPU s, {100 * client_cpu / max(elapsed, 0.001):.0f} % of one core")
    served = sum(len(values) for label, values in stats.samples.items() if not label.endswith("(setup)"))
    print("CPU seconds by process group during the run: " + ", ".join(
        f"{group} {used:.0f}" for group, used in processes.items()) +
        f"; gunicorn and PostgreSQL together {1000 * (processes['gunicorn'] + processes['postgres']) / max(served, 1):.0f}"
        f" ms a request ({served} requests, the jobs' queries included)")
    rows = report(stats, elapsed)
    timeline(stats, began, cpu_samples)
    failed_jobs = [job for job in jobs if job[1] != "succeeded"]
    for kind, status, done, total, seconds, error in jobs:
        took = "" if seconds is None else f", {seconds:.0f} s from start to end"
        print(f"job {kind}: {status}, {done}/{total}{took}{'; ' + error if error else ''}")
    lost = lost_saves(acknowledged) + lost_reviews(returns, review_saves)
    slow = [r[0] for r in rows if r[4] >= P95_LIMIT_MS]
    print(f"\nduration {elapsed:.1f} s; clerk saves: {len(stats.samples.get(LABELS['save'], []))} "
          f"({len(acknowledged)} fields checked); acknowledged returns: {len(returns)}, 复核得分 saves: "
          f"{len(review_saves)}; lost: {len(lost)}; errors: {len(stats.errors)}")
    for message in stats.errors[:20]:
        print("  error:", message)
    for item in lost[:20]:
        print("  lost:", item)
    if slow:
        print(f"  p95 at or over {P95_LIMIT_MS} ms:", ", ".join(slow))
    sys.exit(1 if stats.errors or lost or slow or failed_jobs else 0)


if __name__ == "__main__":
    main()
