"""Rankings against a brute-force ordering (hypothesis): for every entrant, the rank is one
more than the number of entrants strictly ahead of them by the contest's rules; part scores
and totals from the judges' scores. No database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from smartunion.contests import ranking
from smartunion.contests.codes import Part, TieRule

# Few distinct values, so that ties on the total, the practice and the theory are common.
score = st.sampled_from([None, *(Decimal(v) for v in ("60", "75.5", "80", "80.25", "100"))])
rows = st.lists(st.tuples(score, score, score), max_size=25)


def ahead(a: ranking.Row, b: ranking.Row, rule: str) -> bool:
    """Whether ``a`` is strictly ahead of ``b``, written out case by case."""
    z = Decimal(0)
    if a.total != b.total:
        return a.total > b.total
    if (a.practice or z) != (b.practice or z):
        return (a.practice or z) > (b.practice or z)
    if rule == TieRule.THEORY_THEN_EQUAL and (a.theory or z) != (b.theory or z):
        return (a.theory or z) > (b.theory or z)
    return False


@settings(max_examples=300, deadline=None)
@given(rows, st.sampled_from(TieRule.values))
def test_ranks_match_a_brute_force_ordering(data, rule):
    entrants = [ranking.Row(i, t, p, th) for i, (t, p, th) in enumerate(data)]
    ranks = ranking.rank(entrants, rule)
    scored = [r for r in entrants if r.total is not None]
    for r in entrants:
        if r.total is None:
            assert r.key not in ranks
            continue
        assert ranks[r.key] == 1 + sum(ahead(o, r, rule) for o in scored if o is not r)


def test_ties_share_a_rank_and_the_next_skips():
    d = Decimal
    entrants = [
        ranking.Row(1, d("90"), d("90"), d("90")),
        ranking.Row(2, d("90"), d("90"), d("90")),
        ranking.Row(3, d("90"), d("85"), d("100")),
        ranking.Row(4, d("85"), d("95"), d("70")),
    ]
    assert ranking.rank(entrants, TieRule.EQUAL) == {1: 1, 2: 1, 3: 3, 4: 4}


def test_a_station_is_the_mean_of_its_two_judges_and_parts_weigh_into_the_total():
    d = Decimal
    theory = ranking.part_score({1: [d("90"), d("81")]})
    practice = ranking.part_score({1: [d("80"), d("90")], 2: [d("70"), d("71")]})
    assert (theory, practice) == (d("85.500"), d("77.750"))
    weights = {Part.THEORY: d("30"), Part.PRACTICE: d("70"), Part.DEFENCE: d("0")}
    total = ranking.total({Part.THEORY: theory, Part.PRACTICE: practice}, weights)
    assert total == d("80.075")
    assert ranking.total({Part.THEORY: theory, Part.PRACTICE: None}, weights) is None
