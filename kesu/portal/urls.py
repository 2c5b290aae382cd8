from django.urls import path

from kesu.portal import views

app_name = "portal"

urlpatterns = [
    path("portal/", views.rate_limited(views.portal_home), name="home"),
    path("portal/challenge/", views.rate_limited(views.challenge), name="challenge"),
    path("portal/privacy/", views.rate_limited(views.privacy), name="privacy"),
    path("portal/<slug:process>/", views.rate_limited(views.submit), name="submit"),
    path("portal/<slug:process>/embed/", views.rate_limited(views.embed), name="embed"),
    path("portal/<slug:process>/code/", views.rate_limited(views.submission_code), name="submission_code"),
    path("portal/<slug:process>/fields/", views.rate_limited(views.fields), name="fields"),
    path("track/", views.rate_limited(views.lookup), name="lookup"),
    path("track/code/", views.rate_limited(views.lookup_code), name="lookup_code"),
    path("track/<str:number>/", views.rate_limited(views.track), name="track"),
    path("track/<str:number>/<str:token>/", views.rate_limited(views.track), name="track_link"),
]
