from django.contrib import admin
from django.urls import include, path

from kesu.api import api

admin.site.site_header = "Kesu 客诉"
admin.site.site_title = "Kesu"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kesu.portal.urls")),
    path("", include("kesu.triage.urls")),
    path("", include("kesu.web.urls")),
]
