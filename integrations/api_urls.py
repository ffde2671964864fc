"""API routes of the integrations app (connections, sync runs, conflicts), mounted under /api/v1/."""

urlpatterns: list = []
