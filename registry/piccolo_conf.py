"""Piccolo's configuration module (PICCOLO_CONF), used by its migration commands."""

from piccolo.conf.apps import AppRegistry

from registry.db import DB

APP_REGISTRY = AppRegistry(apps=["registry.piccolo_app"])

__all__ = ["DB", "APP_REGISTRY"]
