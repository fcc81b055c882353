"""Rules for the text people send: control characters have no place in it.

A NUL byte in a search once reached PostgreSQL (which refuses NUL in text) and was dropped
silently with the filter it was in. No one types a control character into a name, an address
or a search box: a search or any other query parameter holding one is refused (422), and so is
a text field of an API body. Line breaks and tabs stay allowed in the free text of bodies
(notes), never in a query parameter.
"""

from __future__ import annotations

import re

#: In a query parameter (a search, a filter): any C0 control character, DEL or C1 control.
CONTROL_IN_QUERY = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: In the text of a body: the same, except tab, line feed and carriage return.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_fields(params) -> list[str]:
    """The names of the query parameters (a QueryDict) whose name or value holds a control
    character."""
    bad = []
    for name, values in params.lists():
        if CONTROL_IN_QUERY.search(name) or any(CONTROL_IN_QUERY.search(v) for v in values):
            bad.append(CONTROL_IN_QUERY.sub("", name))
    return bad
