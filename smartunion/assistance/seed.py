"""The hardship assistance part of `manage.py seed` (written below)."""


def run_part(options) -> list[str]:
    return []
