import pytest


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path, tmp_path_factory):
    """Encrypted uploads and exports, and the workbooks written on the way, go to a temporary
    folder, never to the developer's var/."""
    settings.SMARTUNION_IMPORT_DIR = tmp_path / "imports"
    settings.VAR_DIR = tmp_path_factory.mktemp("var")  # beside tmp_path: tests list that one
    return settings.SMARTUNION_IMPORT_DIR
