"""Database layer: models, the one engine factory, migrations."""
