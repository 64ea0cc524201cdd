from django.contrib import admin

from budgets.models import BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow


class RowAdmin(admin.ModelAdmin):
    list_display = ("report", "order", "org_name", "total")
    list_select_related = ("report__evaluation_year", "report__department")
    raw_id_fields = ("report",)


for row_model in (IncomeRow, ExpenditureRow, ThreePublicRow, FixedAssetRow):
    admin.site.register(row_model, RowAdmin)


@admin.register(BaseData)
class BaseDataAdmin(admin.ModelAdmin):
    list_display = ("report", "satisfaction")
    list_select_related = ("report__evaluation_year", "report__department")
    raw_id_fields = ("report",)
