"""Venue querysets: scope (through the owning union's path), filters and the nearest query."""

from __future__ import annotations

import math

from django.db import connections, models

from smartunion.core.querysets import ScopedQuerySet
from smartunion.venues.coords import EARTH_RADIUS_M, haversine_m

# First search radius and growth factor of the expanding bounding box. 3 km holds ten stations
# in a city; a remote county needs a few rounds (3, 12, 48, 192 km …).
FIRST_RADIUS_M = 3_000.0
MIN_RADIUS_M = 300.0
GROWTH = 4.0
MAX_RADIUS_M = 2_500_000.0
# At most this many rows are read per try (more means the box is too big, try a smaller one).
MAX_CANDIDATES = 400
MAX_ROUNDS = 40
_M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180.0


def bbox_around(lng: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """A lng/lat rectangle that contains every point within ``radius_m`` of the centre."""
    d_lat = radius_m / _M_PER_DEG_LAT
    far_lat = min(89.9, abs(lat) + d_lat)
    cos_far = math.cos(math.radians(far_lat))
    d_lng = 180.0 if cos_far <= 1e-6 else min(180.0, radius_m / (_M_PER_DEG_LAT * cos_far))
    return lng - d_lng, max(-90.0, lat - d_lat), lng + d_lng, min(90.0, lat + d_lat)


class VenueQuerySet(ScopedQuerySet):
    def open(self) -> VenueQuerySet:
        return self.filter(status="open")

    def stations(self) -> VenueQuerySet:
        return self.filter(kind="station")

    def in_bbox(self, min_lng, min_lat, max_lng, max_lat) -> VenueQuerySet:
        qs = self.filter(lat__gte=min_lat, lat__lte=max_lat)
        if max_lng - min_lng >= 360.0:
            return qs
        if min_lng < -180.0 or max_lng > 180.0:  # the box crosses the antimeridian
            west = models.Q(lng__gte=((min_lng + 540.0) % 360.0) - 180.0)
            east = models.Q(lng__lte=((max_lng + 540.0) % 360.0) - 180.0)
            return qs.filter(west | east)
        return qs.filter(lng__gte=min_lng, lng__lte=max_lng)

    def nearest(self, lng: float, lat: float, limit: int = 10) -> list[tuple[int, float]]:
        """The ``limit`` nearest open venues of this queryset as [(id, distance_m)]."""
        return [(row[0], d) for row, d in nearest_rows(BoxFetcher(self), lng, lat, limit)]


def nearest_rows(
    fetch: BoxFetcher, lng: float, lat: float, limit: int = 10
) -> list[tuple[tuple, float]]:
    """[(row, distance_m)] of the ``limit`` nearest open venues, nearest first; a row is
    (id, lng, lat, *fetch.fields) as the database returns them (no field converters applied).

    An indexed bounding box around the point grows until it holds ``limit`` candidates; then
    one more box with the radius of the farthest candidate makes the answer exact (a closer
    venue outside the first box is impossible). Exact haversine distances are computed in
    Python on the few candidates. The box query is compiled once (``BoxFetcher``) and re-run
    with new corners, since compiling it costs more than running it.
    """
    if limit < 1:
        return []
    cap = max(MAX_CANDIDATES, 20 * limit)
    radius, too_few, too_many = _first_radius(), 0.0, 0.0
    rows = fetch(lng, lat, radius, cap)
    for _ in range(MAX_ROUNDS):
        if len(rows) > cap:
            # Grown from nothing straight into a dense area: step back between the last
            # box that held too few and this one, reading at most ``cap`` rows a try.
            too_many = radius
            radius = math.sqrt(too_few * too_many) if too_few else radius / GROWTH
        elif len(rows) >= limit or radius >= MAX_RADIUS_M:
            break
        else:
            too_few = radius
            # Grow by the density seen so far (area ∝ r²), so a sparse county does not
            # take many rounds and a dense city is not overshot into thousands of rows.
            factor = (
                GROWTH if not rows else min(GROWTH, max(1.5, 1.3 * math.sqrt(limit / len(rows))))
            )
            radius = min(MAX_RADIUS_M, radius * factor)
            if too_many:
                radius = min(radius, math.sqrt(too_few * too_many))
        rows = fetch(lng, lat, radius, cap)
    # Out of tries (a density step no box in between resolved): read a whole box.
    if len(rows) > cap:
        rows = fetch(lng, lat, radius)
    elif len(rows) < limit and too_many:
        radius = too_many
        rows = fetch(lng, lat, radius)
    ranked = _rank(lng, lat, rows)
    if len(ranked) >= limit and ranked[limit - 1][0] > radius:
        # The box's corners reach further than its inscribed circle: re-query with the
        # radius of the limit-th candidate so that no closer venue can be missing.
        rows = fetch(lng, lat, ranked[limit - 1][0])
        ranked = _rank(lng, lat, rows)
    elif len(ranked) < limit:  # fewer than asked for within reach: rank every venue
        rows = fetch.all_rows()
        ranked = _rank(lng, lat, rows)
    if len(ranked) >= limit:
        _learn_reach(ranked[limit - 1][0])
    return [(row, d) for d, _, row in ranked[:limit]]


def _rank(lng: float, lat: float, rows) -> list[tuple[float, int, tuple]]:
    """(distance, id, row) nearest first; the id breaks ties so rows are never compared."""
    return sorted((haversine_m(lng, lat, row[1], row[2]), row[0], row) for row in rows)


# Where to start: a little beyond the distance that held the answer in recent queries (a moving
# geometric mean), so a deployment's usual query needs one box instead of growing into it.
# Only the speed depends on it; the answer is exact from any start.
_reach = {"typical": FIRST_RADIUS_M}


def _first_radius() -> float:
    return min(MAX_RADIUS_M, max(MIN_RADIUS_M, _reach["typical"] * 1.6))


def _learn_reach(distance: float) -> None:
    distance = min(MAX_RADIUS_M, max(MIN_RADIUS_M, distance))
    _reach["typical"] = math.exp(0.8 * math.log(_reach["typical"]) + 0.2 * math.log(distance))


# Stand-ins for the box's corners while compiling; found again among the query's parameters.
_SENTINELS = (-179.123456789, -89.123456789, 179.987654321, 89.987654321)


class BoxFetcher:
    """Runs "id, lng, lat (and ``fields``) of the open rows of ``qs`` in a box", compiled once."""

    def __init__(self, qs: VenueQuerySet, fields: tuple[str, ...] = ()):
        self.qs = qs.open().order_by()
        self.fields = fields
        self.columns = ("id", "lng", "lat", *fields)
        min_lng, min_lat, max_lng, max_lat = _SENTINELS
        compiled = self.qs.in_bbox(min_lng, min_lat, max_lng, max_lat).values_list(*self.columns)
        self.sql, params = compiled.query.sql_with_params()
        self.params = list(params)
        self.slots = [self.params.index(v) for v in _SENTINELS]
        self.db = self.qs.db

    def all_rows(self) -> list:
        return list(self.qs.values_list(*self.columns))

    def __call__(self, lng: float, lat: float, radius: float, cap: int | None = None) -> list:
        """The rows in the box of ``radius``; with ``cap``, at most cap + 1 of them."""
        box = bbox_around(lng, lat, radius)
        if box[0] < -180.0 or box[2] > 180.0:  # antimeridian or the whole globe: rare
            qs = self.qs.in_bbox(*box).values_list(*self.columns)
            return list(qs[: cap + 1] if cap else qs)
        params = list(self.params)
        for slot, value in zip(self.slots, box, strict=True):
            params[slot] = value
        sql = self.sql
        if cap:
            sql += " LIMIT %s"
            params.append(cap + 1)
        connection = connections[self.db]
        if connection.vendor == "postgresql" and not connection.settings_dict.get(
            "DISABLE_SERVER_SIDE_CURSORS"
        ):
            # A prepared statement: planning this small query costs more than running it.
            # (Not behind a transaction-pooling PgBouncer, which is what that setting marks.)
            import psycopg

            connection.ensure_connection()
            with psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(sql, params, prepare=True)
                return cursor.fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
