"""Chinese error pages that say why and offer a way back (404, 403, 500, CSRF refusal)."""
import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_a_missing_page_says_so_in_chinese_and_links_home(client):
    client.force_login(UserFactory())

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "页面不存在（404）" in text(response)
    assert "<code>/no/such/page/</code>" in text(response)
    assert 'href="/"' in text(response)


def test_a_refusal_says_why_in_chinese(client):
    client.force_login(UserFactory())

    response = client.get("/review/")

    assert response.status_code == 403
    assert "没有权限进行这项操作（403）" in text(response)
    assert "只有财政审核人可以查看审核列表。" in text(response)


def test_a_server_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "系统出错，这次操作没有完成（500）" in text(response)
    assert "恢复未保存的内容" in text(response)


def test_a_csrf_refusal_links_back_to_the_page_the_form_came_from():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/reports/1/edit/narrative/", {"x": "1"},
                           HTTP_REFERER="http://testserver/reports/1/edit/narrative/")

    assert response.status_code == 403
    assert "页面已过期，这次提交没有被接受（403）" in text(response)
    assert 'id="error-back" href="http://testserver/reports/1/edit/narrative/"' in text(response)
    assert "/accounts/login/?next=http%3A//testserver/reports/1/edit/narrative/" in text(response)


def test_a_csrf_refusal_never_links_to_another_site():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"x": "1"}, HTTP_REFERER="https://evil.example/form")

    assert response.status_code == 403
    assert "evil.example" not in text(response)
    assert 'id="error-back"' not in text(response)
