from django.urls import path

from portal.locations import views

app_name = "locations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("<int:pk>/new/", views.create, name="create_child"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/activate/", views.set_active, {"active": True}, name="activate"),
    path("<int:pk>/deactivate/", views.set_active, {"active": False}, name="deactivate"),
]
