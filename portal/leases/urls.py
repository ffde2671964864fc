from django.urls import path

from portal.leases import views

app_name = "leases"
urlpatterns = [
    path("", views.lease_list, name="list"),
    path("new/", views.lease_create, name="create"),
    path("<int:pk>/", views.lease_detail, name="detail"),
    path("<int:pk>/edit/", views.lease_edit, name="edit"),
    path("<int:pk>/transition/", views.lease_transition, name="transition"),
]
