"""Writing departments and offices (the sheet import ends here, after its checks have passed)."""
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from departments.models import Bureau, Department, Office


@dataclass(frozen=True)
class DepartmentSpec:
    """One department as an import gives it: codes and names only, already checked."""

    code: str
    name: str
    parent_code: str = ""
    office_name: str = ""


@dataclass(frozen=True)
class ApplyCounts:
    created: int
    updated: int
    offices_created: int


def bureau_default():
    """The installation's finance bureau: the first one, created from EVAL_BUREAU_NAME when there is none."""
    bureau = Bureau.objects.order_by("pk").first()
    if bureau is not None:
        return bureau
    name = settings.EVAL_DEFAULT_BUREAU_NAME
    region = name.removesuffix("财政局") or name
    bureau, _created = Bureau.objects.get_or_create(name=name, defaults={"region": region})
    return bureau


@transaction.atomic
def departments_apply(*, bureau, specs):
    """Create or update departments by 预算编码 and create the offices they name.

    Existing departments keep their `is_active` flag; new ones are active. Parents are set in a
    second pass so that a sheet may list a unit before its parent. A blank 归口业务科室 or 上级预算编码
    leaves the department without one. Returns ApplyCounts.
    """
    offices = {office.name: office for office in Office.objects.filter(bureau=bureau)}
    offices_created = 0
    for name in sorted({spec.office_name for spec in specs if spec.office_name}):
        if name not in offices:
            offices[name] = Office.objects.create(bureau=bureau, name=name)
            offices_created += 1

    existing = Department.objects.in_bulk([spec.code for spec in specs], field_name="code")
    by_code = dict(existing)
    created = updated = 0
    for spec in specs:
        office = offices.get(spec.office_name) if spec.office_name else None
        department = existing.get(spec.code)
        if department is None:
            by_code[spec.code] = Department.objects.create(bureau=bureau, code=spec.code, name=spec.name, office=office)
            created += 1
        else:
            department.name = spec.name
            department.office = office
            department.save(update_fields=["name", "office"])
            updated += 1

    parent_codes = {spec.parent_code for spec in specs if spec.parent_code} - set(by_code)
    by_code.update(Department.objects.in_bulk(parent_codes, field_name="code"))
    for spec in specs:
        department = by_code[spec.code]
        parent = by_code[spec.parent_code] if spec.parent_code else None
        if department.parent_id != (parent.pk if parent else None):
            department.parent = parent
            department.save(update_fields=["parent"])
    return ApplyCounts(created=created, updated=updated, offices_created=offices_created)
