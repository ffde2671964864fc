"""Settings of every benchmark process: the production settings, plus the bare comparison view's URL.

Static files are found without ``collectstatic`` (the load generator fetches pages, not assets).
"""

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

ROOT_URLCONF = "bench.urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
