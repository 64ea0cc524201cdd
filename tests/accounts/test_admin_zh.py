"""/admin/ is Chinese: every list, add and change page the break-glass superuser opens, including the
lockout (django-axes), second-factor (django-otp) and task-queue pages, shows no English words."""
import json
import re
from pathlib import Path

import django.contrib.admin
import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin_zh import permission_label
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Words that are names, not English sentences: the 超级用户's own username, file formats, protocols, keys.
ALLOWED = {"root", "Excel", "TOTP", "Ctrl", "Command", "Mac", "Unix", "SHA", "HTTP", "Accept", "GET", "POST", "LDAP",
           "CSV", "DOCX", "JPEG", "OFD", "PDF", "PNG", "XLSX", "ZIP"}


def english_words(html):
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return set(re.findall(r"[A-Za-z]{3,}", text)) - ALLOWED


def admin_pages():
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            try:
                pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"))
            except NoReverseMatch:
                continue
    return pages


def test_every_admin_page_is_chinese(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=root, name="手机", confirmed=True)
    attempt = AccessAttempt.objects.create(username="clerk", ip_address="10.0.0.1", user_agent="Firefox",
                                           get_data="", post_data="", failures_since_start=3)
    log = AccessLog.objects.create(username="clerk", ip_address="10.0.0.1", user_agent="Firefox")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    pages = [*admin_pages(), reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
             reverse("admin:axes_accessattempt_change", args=[attempt.pk]),
             reverse("admin:axes_accesslog_change", args=[log.pk])]

    found = {}
    for url in pages:
        response = client.get(url)
        if response.status_code == 200:
            words = english_words(response.content.decode()) - {"Firefox", "clerk"}
            if words:
                found[url] = sorted(words)

    assert found == {}
    assert len(pages) > 40


def test_permissions_read_as_app_model_and_action():
    permission = Permission.objects.get(codename="view_accessattempt")

    assert permission_label(permission) == "登录锁定 · 登录尝试 · 查看"


def test_the_add_user_page_says_what_comes_next_in_chinese(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True),
                       backend="django.contrib.auth.backends.ModelBackend")

    html = client.get(reverse("admin:accounts_user_add")).content.decode()

    assert "创建用户后，可以继续编辑该用户的其他信息（姓名、电话、三员角色等）。" in html


ADMIN_JS = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "js"
JS_STRING = r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\""


def admin_script_strings():
    """Every msgid (context\\x04msgid for pgettext) the admin's own scripts ask the catalog for."""
    wanted = set()
    for path in ADMIN_JS.rglob("*.js"):
        if "vendor" in path.parts:
            continue
        source = path.read_text()
        for call in re.finditer(rf"\b(n?gettext|pgettext)\(\s*(?:{JS_STRING})(?:\s*,\s*(?:{JS_STRING}))?", source):
            first = (call.group(2) or call.group(3) or "").replace("\\'", "'").replace('\\"', '"')
            second = (call.group(4) or call.group(5) or "").replace("\\'", "'").replace('\\"', '"')
            wanted.add(f"{first}\x04{second}" if call.group(1) == "pgettext" else first)
    return wanted


def test_every_string_the_admins_scripts_write_is_chinese(client):
    """The two-box picker of permissions and groups and the calendar are written by the admin's JavaScript from
    /admin/jsi18n/, which the page test above does not see: each of their strings has a Chinese translation."""
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    script = client.get(reverse("admin:jsi18n")).content.decode()

    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    wanted = admin_script_strings()
    assert len(wanted) > 60  # the scripts were found
    untranslated = {msgid for msgid in wanted
                    if not re.search(r"[\u4e00-\u9fff]", "".join(always_list(catalog.get(msgid, ""))))}
    assert untranslated == set()


def always_list(value):
    return value if isinstance(value, list) else [value]
