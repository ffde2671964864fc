"""Every vendor plug-in, by key. Imported lazily: a vendor whose folder is missing is just "not available"."""

from __future__ import annotations

import functools
import importlib
import logging

from integrations.contract import Plugin

logger = logging.getLogger("integrations.registry")

PLUGINS: dict[str, str] = {
    "buildium": "integrations.buildium.plugin.BuildiumPlugin",
    "builderbacked": "integrations.builderbacked.plugin.BuilderBackedPlugin",
    "rentengine": "integrations.rentengine.plugin.RentEnginePlugin",
    "briksync": "integrations.briksync.plugin.BrikSyncPlugin",
    "buildingminds": "integrations.buildingminds.plugin.BuildingMindsPlugin",
}


class UnknownVendor(LookupError):
    pass


class VendorUnavailable(LookupError):
    """The key is registered but its plug-in module is not there (yet)."""


@functools.cache
def _load(dotted: str) -> Plugin:
    module_name, _, class_name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the plug-in's own package missing means "not available"; a broken import inside it is a bug.
        if exc.name and module_name.startswith(exc.name):
            raise VendorUnavailable(f"{dotted} is not installed") from exc
        raise
    return getattr(module, class_name)()


def table() -> dict[str, str]:
    """The registry plus settings.INTEGRATIONS_EXTRA_PLUGINS (tests register their small plug-in there)."""
    from django.conf import settings

    return {**PLUGINS, **getattr(settings, "INTEGRATIONS_EXTRA_PLUGINS", {})}


def get_plugin(key: str) -> Plugin:
    plugins = table()
    if key not in plugins:
        raise UnknownVendor(f"Unknown vendor {key!r}. Known: {', '.join(sorted(plugins))}.")
    return _load(plugins[key])


def is_available(key: str) -> bool:
    try:
        get_plugin(key)
    except VendorUnavailable:
        return False
    return True


def available() -> dict[str, Plugin]:
    """The plug-ins that can be loaded now, by key, in registry order."""
    found = {}
    for key in table():
        try:
            found[key] = get_plugin(key)
        except VendorUnavailable:
            continue
        except Exception:  # a plug-in being written must not take the portal down with it
            logger.exception("Plug-in %s failed to load", key)
    return found


def choices() -> list[tuple[str, str]]:
    return [(key, plugin.display_name) for key, plugin in available().items()]
