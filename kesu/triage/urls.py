from django.urls import path

from kesu.triage import views

app_name = "triage"

urlpatterns = [
    path("complaints/<str:number>/merge/", views.merge, name="merge"),
]
