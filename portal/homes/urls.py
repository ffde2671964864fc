from django.urls import path

from portal.homes import import_views, views

app_name = "homes"
urlpatterns = [
    path("", views.home_list, name="list"),
    path("export.csv", views.home_export, name="export"),
    path("new/", views.home_create, name="create"),
    path("<int:pk>/", views.home_detail, name="detail"),
    path("<int:pk>/edit/", views.home_edit, name="edit"),
    path("import/", import_views.upload, name="import"),
    path("import/template.csv", import_views.template, name="import_template"),
    path("import/<int:pk>/", import_views.review, name="import_preview"),
    path("import/<int:pk>/apply/", import_views.apply, name="import_apply"),
    path("import/<int:pk>/cancel/", import_views.cancel, name="import_cancel"),
]
