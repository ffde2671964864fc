"""API routes of the integrations app, mounted under /api/v1/ (see portal/api/urls.py)."""

from rest_framework.routers import SimpleRouter

from integrations.api import ConflictViewSet, ConnectionViewSet, SyncRunViewSet

router = SimpleRouter()
router.register("connections", ConnectionViewSet, basename="connection")
router.register("sync-runs", SyncRunViewSet, basename="sync-run")
router.register("conflicts", ConflictViewSet, basename="conflict")

urlpatterns = router.urls
