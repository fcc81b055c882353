"""Fixtures of legal aid: the minimum wage of the test counties and a handler of county A."""

from __future__ import annotations

import pytest

from smartunion.legalaid.testing import make_handler, min_wages


@pytest.fixture
def wages(world):
    min_wages()
    return world


@pytest.fixture
def lawyer(world):
    """A union lawyer on county A's register, with a staff account of county A."""
    return make_handler(world.county_a, name="李律师", user=world.county_admin)
