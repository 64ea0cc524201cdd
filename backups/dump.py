"""Every model's rows as JSON lines with Django's own (de)serializers, database-portable.

Rows keep their primary keys, so foreign keys, the audit log's user ids and the PDF archive
names stay as they were. Content types and permissions are not dumped: `migrate` creates them
in every installation with its own keys, so references to them are written as natural keys.
Sessions are not dumped either: after a restore everyone logs in again.
"""
import datetime
import json
from itertools import islice

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer

NOT_DUMPED = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
NATURAL_KEY_MODELS = (ContentType, Permission)
CHUNK = 1000


def dumped_models():
    """The models a backup holds, parents before children (by their foreign keys)."""
    models = sorted(
        (m for m in apps.get_models() if m._meta.label_lower not in NOT_DUMPED and m._meta.managed
         and not m._meta.proxy),
        key=lambda m: m._meta.label_lower,
    )
    wanted = set(models)
    needs = {
        m: {f.related_model for f in [*m._meta.concrete_fields, *m._meta.many_to_many]
            if f.is_relation and f.related_model in wanted and f.related_model is not m}
        for m in models
    }
    ordered, done = [], set()
    while len(ordered) < len(models):
        ready = [m for m in models if m not in done and needs[m] <= done]
        if not ready:  # a cycle: its rows still load, foreign keys are checked at commit
            ready = [next(m for m in models if m not in done)]
        for model in ready:
            ordered.append(model)
            done.add(model)
    return ordered


def file_name(model):
    return f"db/{model._meta.label_lower}.jsonl"


class _Serializer(PythonSerializer):
    """Django's serializer with natural keys only for content types and permissions."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, NATURAL_KEY_MODELS)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, NATURAL_KEY_MODELS)
        super().handle_m2m_field(obj, field)


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; the audit log's hashes cover microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def model_dump(model, handle, *, using):
    """Write every row of `model` (by primary key) to `handle` as JSON lines; return the count."""
    count = 0
    rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        for item in _Serializer().serialize(chunk):
            handle.write(json.dumps(item, cls=_Encoder, ensure_ascii=False, sort_keys=True) + "\n")
        count += len(chunk)
    return count


def model_load(handle, *, using):
    """Insert the rows of one dumped file exactly as they were (raw, forced INSERTs); return the count.

    Model.save() overrides and auto_now stamps are bypassed (raw save), as with loaddata.
    """
    count = 0
    while lines := list(islice(handle, CHUNK)):
        items = [json.loads(line) for line in lines if line.strip()]
        for obj in serializers.deserialize("python", items, using=using):
            obj.save(using=using, force_insert=True)
        count += len(items)
    return count
