from django.contrib import admin

from .models import Enterprise, Industry, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent", "retired"]
    list_filter = ["level", "retired"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "section"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region", "industry"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region", "industry"]
    raw_id_fields = ["region"]
    list_filter = ["industry__section"]
