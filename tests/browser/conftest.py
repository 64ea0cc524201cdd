"""Fixtures of the browser tests."""
import pytest
from playwright.sync_api import expect

from reports.demo import DEMO_PASSWORD


@pytest.fixture
def open_session(browser, browser_context_args, live_server):
    """open_session(username) signs a demo user in in a browser context of their own (their own session,
    as on their own computer) and returns the page; downloads are accepted."""
    contexts = []

    def open_session(username):
        context = browser.new_context(**browser_context_args, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{live_server.url}/")  # the home page: each role has its own first heading
        page.wait_for_load_state("load")  # its scripts have run (session.js has stamped the shared time)
        return page

    yield open_session
    for context in contexts:
        context.close()
