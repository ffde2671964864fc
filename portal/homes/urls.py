from django.urls import path

from portal.homes import views

app_name = "homes"
urlpatterns = [
    path("", views.home_list, name="list"),
]
