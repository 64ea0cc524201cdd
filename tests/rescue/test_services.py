"""The kept-input store: only its owner takes it back, once, before it expires."""
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from audit.enums import Event
from audit.models import AuditEvent
from rescue.models import KeptInput
from rescue.services import MAX_PER_USER, input_keep, input_take, inputs_purge, posted_fields
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PATH = "/reports/1/edit/narrative/"


def test_posted_fields_keep_every_value_but_the_csrf_token():
    post = QueryDict("csrfmiddlewaretoken=abc&revision=3&narrative-problems=%E9%97%AE%E9%A2%98&tag=a&tag=b")

    assert posted_fields(post) == {"revision": ["3"], "narrative-problems": ["问题"], "tag": ["a", "b"]}


def test_the_owner_takes_the_input_back_once():
    owner = UserFactory()
    input_keep(user=owner, path=PATH, data={"revision": ["3"], "narrative-problems": ["问题"]})

    first = input_take(user=owner, path=PATH)
    second = input_take(user=owner, path=PATH)

    assert dict(first.lists()) == {"revision": ["3"], "narrative-problems": ["问题"]}
    assert second is None
    assert KeptInput.objects.count() == 0


def test_another_user_never_gets_it_and_it_stays_for_its_owner():
    owner, other = UserFactory(), UserFactory()
    input_keep(user=owner, path=PATH, data={"narrative-problems": ["问题"]})

    assert input_take(user=other, path=PATH) is None
    assert input_take(user=owner, path=PATH)["narrative-problems"] == "问题"


def test_input_is_kept_for_one_path_only():
    owner = UserFactory()
    input_keep(user=owner, path=PATH, data={"a": ["1"]})

    assert input_take(user=owner, path="/reports/1/edit/cover/") is None
    assert KeptInput.objects.count() == 1


def test_input_past_its_expiry_is_not_returned_and_is_purged(settings):
    settings.RESCUE_KEEP_SECONDS = 60
    owner = UserFactory()
    kept_at = timezone.now() - timedelta(seconds=61)
    input_keep(user=owner, path=PATH, data={"a": ["1"]}, now=kept_at)

    assert input_take(user=owner, path=PATH) is None
    assert inputs_purge() == 1
    assert KeptInput.objects.count() == 0


def test_input_within_its_expiry_is_returned(settings):
    settings.RESCUE_KEEP_SECONDS = 60
    owner = UserFactory()
    input_keep(user=owner, path=PATH, data={"a": ["1"]}, now=timezone.now() - timedelta(seconds=50))

    assert input_take(user=owner, path=PATH)["a"] == "1"


def test_a_later_post_to_the_same_path_replaces_the_earlier_one():
    owner = UserFactory()
    input_keep(user=owner, path=PATH, data={"a": ["first"]})
    input_keep(user=owner, path=PATH, data={"a": ["second"]})

    assert KeptInput.objects.count() == 1
    assert input_take(user=owner, path=PATH)["a"] == "second"


def test_keeping_deletes_what_expired_for_anyone(settings):
    settings.RESCUE_KEEP_SECONDS = 60
    someone, owner = UserFactory(), UserFactory()
    input_keep(user=someone, path=PATH, data={"a": ["1"]}, now=timezone.now() - timedelta(seconds=61))

    input_keep(user=owner, path=PATH, data={"a": ["2"]})

    assert list(KeptInput.objects.values_list("user", flat=True)) == [owner.pk]


def test_a_user_keeps_at_most_max_per_user_forms_the_oldest_going_first():
    owner = UserFactory()
    start = timezone.now() - timedelta(hours=1)
    for index in range(MAX_PER_USER + 2):
        input_keep(user=owner, path=f"/p/{index}/", data={"a": [str(index)]}, now=start + timedelta(seconds=index))

    paths = sorted(KeptInput.objects.values_list("path", flat=True), key=lambda p: int(p.split("/")[2]))

    assert paths == [f"/p/{index}/" for index in range(2, MAX_PER_USER + 2)]


def test_keeping_and_restoring_are_audited_without_the_content():
    owner = UserFactory()
    input_keep(user=owner, path=PATH, data={"narrative-problems": ["机密的问题"]})
    input_take(user=owner, path=PATH)

    rows = list(AuditEvent.objects.order_by("pk").values_list("event", "user", "detail"))

    assert [(event, user) for event, user, _detail in rows] == [
        (Event.INPUT_KEPT, owner.pk), (Event.INPUT_RESTORED, owner.pk)]
    assert all(PATH in detail and "机密" not in detail for _event, _user, detail in rows)
