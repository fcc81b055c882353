import pytest


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Encrypted uploads go to a temporary folder, never to the developer's var/."""
    settings.SMARTUNION_IMPORT_DIR = tmp_path / "imports"
    return settings.SMARTUNION_IMPORT_DIR
