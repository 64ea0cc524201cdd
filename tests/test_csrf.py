"""Every URL refuses a POST without a CSRF token (enforcement on, as in production)."""
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from tests.factories import UserFactory

# A value for each path converter, and for the named groups of the admin's two regex patterns.
CONVERTER_SAMPLES = {"int": "1", "str": "1", "slug": "a-slug", "path": "1", "uuid": "00000000-0000-0000-0000-000000000001"}
GROUP_SAMPLES = {"app_label": "accounts", "url": "no-such-page"}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + _sample(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + _sample(pattern.pattern), pattern


def _sample(pattern):
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_SAMPLES[m.group(1) or "str"], text)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: GROUP_SAMPLES[m.group(1)], text)
    return text.lstrip("^").rstrip("$")


ALL_URLS = sorted(walk(get_resolver().url_patterns), key=lambda item: item[0])


def test_the_url_list_is_complete_and_each_sample_reaches_its_own_view():
    assert len(ALL_URLS) > 100
    assert [url for url, pattern in ALL_URLS if resolve(url).func is not pattern.callback] == []


# Exempt on the outside only so that the upload handler is set before the body is read; the view they call
# is csrf_protect, and test_post_without_a_token_is_refused below shows each still refuses a tokenless POST.
PROTECTED_INSIDE = {"report_verify", "report_verify_short"}


def test_no_view_is_exempt_from_csrf():
    exempt = [(url, pattern.name) for url, pattern in ALL_URLS if getattr(pattern.callback, "csrf_exempt", False)]

    assert [(url, name) for url, name in exempt if name not in PROTECTED_INSIDE] == []
    assert {name for _url, name in exempt} == PROTECTED_INSIDE


@pytest.mark.django_db
@pytest.mark.parametrize("url", [url for url, _pattern in ALL_URLS])
def test_post_without_a_token_is_refused(url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(url, {"name": "x"})

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


@pytest.mark.django_db
def test_the_same_post_with_a_token_passes_the_csrf_check():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value

    response = client.post("/accounts/login/", {"username": "x", "password": "y", "csrfmiddlewaretoken": token})

    assert response.status_code == 200
