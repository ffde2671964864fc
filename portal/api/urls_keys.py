from django.urls import path

from portal.api import views_keys

app_name = "apikeys"

urlpatterns = [
    path("", views_keys.key_list, name="list"),
    path("new/", views_keys.key_create, name="create"),
    path("<int:pk>/revoke/", views_keys.key_revoke, name="revoke"),
]
