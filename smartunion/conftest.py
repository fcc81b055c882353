import pytest

from smartunion.core.testing import build_world


@pytest.fixture
def world(db):
    """The personas and the small Gansu tree of smartunion.core.testing."""
    return build_world()
