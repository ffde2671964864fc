"""/integrations/: the staff pages (namespace "integrations") and the vendors' webhook endpoint."""

from django.urls import path

from integrations import views, views_conflicts, views_webhooks

app_name = "integrations"
urlpatterns = [
    path("", views.connections, name="connections"),
    path("add/", views.choose_vendor, name="choose_vendor"),
    path("add/<slug:vendor>/", views.add, name="add"),
    path("<int:pk>/", views.detail, name="connection"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/test/", views.test, name="test"),
    path("<int:pk>/sync/", views.sync_now, name="sync"),
    path("<int:pk>/pause/", views.set_state, {"state": "pause"}, name="pause"),
    path("<int:pk>/resume/", views.set_state, {"state": "resume"}, name="resume"),
    path("<int:pk>/runs/", views.runs, name="runs"),
    path("<int:pk>/webhooks/", views.webhook_log, name="webhook_log"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("conflicts/", views_conflicts.inbox, name="conflicts"),
    path("conflicts/<int:pk>/resolve/", views_conflicts.resolve, name="resolve"),
    path("refs/<int:pk>/clear-missing/", views_conflicts.clear_missing, name="clear_missing"),
    path("webhooks/<slug:vendor>/<int:connection_id>/", views_webhooks.receive, name="webhook"),
]
