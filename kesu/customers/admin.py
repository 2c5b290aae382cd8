from django.contrib import admin

from kesu.customers.models import Customer
from kesu.customers.services import personal_data_access_log


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["id", "customer_class", "region", "created_at"]
    list_filter = ["customer_class"]
    search_fields = ["phone", "email", "member_number"]
    show_full_result_count = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The form shows the customer's personal data unmasked: each opening is logged, admin included."""
        customer = self.get_object(request, object_id)
        if customer is not None and self.has_view_or_change_permission(request, customer):
            personal_data_access_log(customer=customer, user=request.user, purpose="admin")
        return super().change_view(request, object_id, form_url, extra_context)
