from django.contrib import admin

from kesu.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["id", "customer_class", "region", "created_at"]
    list_filter = ["customer_class"]
    search_fields = ["phone", "email", "member_number"]
    show_full_result_count = False
