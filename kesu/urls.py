from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from kesu.api import api

admin.site.site_header = "Kesu 客诉"
admin.site.site_title = "Kesu"

urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
