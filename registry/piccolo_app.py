"""The registry as a Piccolo app: its tables and its migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from registry.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="registry",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
