from django.urls import path

from portal.accounts import views

app_name = "accounts"
urlpatterns = [
    path("switch/<slug:slug>/", views.switch_organization, name="switch_organization"),
]
