"""The 收支 tables in /admin/: shown, never changed (evalsite.readonly_admin says why)."""
from django.contrib import admin

from budgets.models import BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from evalsite.readonly_admin import ReadOnlyModelAdmin


class RowAdmin(ReadOnlyModelAdmin):
    list_display = ("report", "order", "org_name", "total")
    list_select_related = ("report__evaluation_year", "report__department")


for row_model in (IncomeRow, ExpenditureRow, ThreePublicRow, FixedAssetRow):
    admin.site.register(row_model, RowAdmin)


@admin.register(BaseData)
class BaseDataAdmin(ReadOnlyModelAdmin):
    list_display = ("report", "satisfaction")
    list_select_related = ("report__evaluation_year", "report__department")
