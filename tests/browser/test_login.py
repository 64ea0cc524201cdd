import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_signs_a_user_in_and_shows_the_home_page(live_server, page):
    UserFactory(username="clerk", full_name="孟庆红")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "Test-pass-2021")
    page.click("button[type=submit]")

    expect(page.locator("h1")).to_have_text("我的自评报告")
    expect(page.locator(".navbar-text")).to_have_text("孟庆红")


def test_the_top_bar_links_stand_apart(live_server, page):
    """绩效目标 and 评分任务 used to run together as 绩效目标评分任务: every top-bar link has the same gap."""
    UserFactory(username="clerk", full_name="孟庆红")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "Test-pass-2021")
    page.click("button[type=submit]")

    links = page.locator(".navbar .container-fluid .nav-link")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert len(boxes) >= 2
    gaps = [right["x"] - (left["x"] + left["width"]) for left, right in zip(boxes, boxes[1:], strict=False)]
    assert all(12 <= gap <= 20 for gap in gaps), gaps
