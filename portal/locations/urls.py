from django.urls import path

from portal.locations import views

app_name = "locations"
urlpatterns = [
    path("", views.tree, name="tree"),
]
