"""Piccolo's configuration module (PICCOLO_CONF), used by its migration commands: `DB` is the engine of
the database bound to the context when Piccolo asks (registry.db.bound), never one taken at import."""

from piccolo.conf.apps import AppRegistry

from registry import db as _db

APP_REGISTRY = AppRegistry(apps=["registry.piccolo_app"])

__all__ = ["DB", "APP_REGISTRY"]  # noqa: F822 (DB: from __getattr__ below)


def __getattr__(name: str):
    if name == "DB":
        return _db.engine()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
