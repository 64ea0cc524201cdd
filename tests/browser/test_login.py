import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_signs_a_user_in_and_shows_the_home_page(live_server, page):
    UserFactory(username="clerk", full_name="孟庆红")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "Test-pass-2021")
    page.click("button[type=submit]")

    assert page.locator("h1").inner_text() == "我的自评报告"
    assert page.locator(".navbar-text").inner_text() == "孟庆红"
