"""Synthetic members with their membership histories, in realistic proportions.

Per person whose file ends in a union (figures are shares of all people):
- about 1.5 % have a pending application (申请中), 0.3 % an application that was refused;
- about 4 % left (退会), a few of them expelled (除名);
- the rest are current members: 在籍, or 保留会籍 for most people past retirement age (60 for
  men, 55 for women) and a few unemployed or laid off; about 9 % transferred in from another
  union (转会, with the transfer record and the 发起/转出/转入 events), 1 % left once and
  joined again, a few have a transfer waiting to be accepted.

Dates are consistent: nobody joins before 18, a union's own members join after it was founded,
transfers and departures follow joining, retirement follows the birth date.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from smartunion.accounts.models import SYSTEM_CLERK
from smartunion.core.idnumber import GENDER_MALE, IdNumber
from smartunion.core.pinyin import PinyinCache
from smartunion.core.synthetic import data
from smartunion.core.synthetic.people import IdNumbers, Names, Phones, Weighted, add_years
from smartunion.members.bulk import Table, card_no_for, person_values
from smartunion.members.models import (
    ApplicationChannel,
    ChangeReason,
    ChangeType,
    EndType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
    counted_from,
)
from smartunion.orgs.models import Kind
from smartunion.orgs.seed import Area, OrgSpec

ACTOR_NAME = SYSTEM_CLERK
_HIGH_EDUCATION = (("10", 8), ("20", 45), ("30", 30), ("40", 5), ("60", 8), ("70", 4))
_EDUCATION = (("10", 1), ("20", 15), ("30", 25), ("40", 12), ("50", 8), ("60", 22), ("70", 15),
              ("80", 2))  # fmt: skip
_SKILLS = (("1", 3), ("2", 8), ("3", 20), ("4", 30), ("5", 39))
_HUKOU = (("1", 42), ("2", 33), ("3", 25))
_CHANNELS = (
    (ApplicationChannel.WRITTEN.value, 55),
    (ApplicationChannel.ONLINE.value, 35),
    (ApplicationChannel.ORAL.value, 10),
)
_NEW_FORM = ("01", "02", "03", "04", "05", "06", "07", "08", "99")
_ENTERPRISE = frozenset({"110", "120", "130", "140", "151", "159", "161", "169", "170", "190",
                         "200", "300", "600"})  # fmt: skip
_STATE = frozenset({"110", "151", "161", "400", "500"})


class IdRange:
    """Primary keys of one chunk: consecutive from ``start``, never past ``limit``."""

    def __init__(self, start: int, limit: int):
        self.next_id = start
        self.limit = limit

    def take(self) -> int:
        pk = self.next_id
        if pk >= self.limit:
            raise OverflowError("seed: a chunk used more ids than reserved for it")
        self.next_id = pk + 1
        return pk


# Upper bounds per person, for reserving id blocks before generating: at most two
# memberships (a transfer or a rejoin), five events (joined, transfer sent, out, in, then
# retained or another transfer sent) and two transfers (one accepted, one pending).
PER_PERSON = {"person": 1, "membership": 2, "event": 5, "transfer": 2}


@dataclass
class Chunk:
    """A slice of the unions whose people one worker generates, with its id blocks."""

    index: int
    unions: list[int]  # indices into Job.unions
    persons: int
    starts: dict[str, int] = field(default_factory=dict)

    def limit(self, key: str) -> int:
        return self.starts[key] + self.persons * PER_PERSON[key]


@dataclass
class ChunkResult:
    index: int
    output: dict[str, list | str]
    written: Counter
    current: Counter
    stats: Counter


@dataclass
class Job:
    """Everything the chunks share; built once, read by every worker (inherited on fork)."""

    seed: int
    today: dt.date
    now: dt.datetime
    areas: list[Area]
    unions: list[OrgSpec]
    other_birthplaces: list[str]
    text: bool  # COPY text lines (PostgreSQL) rather than tuples
    chunks: list[Chunk] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tables = {
            "person": Table(Person),
            "membership": Table(Membership),
            "event": Table(MembershipEvent),
            "transfer": Table(Transfer),
        }
        self.receiving = [u for u in self.unions if u.weight > 0]
        self.by_area: dict[int, list[OrgSpec]] = {}
        for u in self.receiving:
            if u.kind in (Kind.SINGLE, Kind.JOINT) and u.area is not None:
                self.by_area.setdefault(id(u.area), []).append(u)
        if not self.other_birthplaces:
            self.other_birthplaces = [a.region.code for a in self.areas]

    def plan(self, chunk_size: int) -> None:
        """Cut the unions into chunks of about ``chunk_size`` people (a union is never split)."""
        self.chunks = []
        current: list[int] = []
        persons = 0
        for i, union in enumerate(self.unions):
            if not union.members:
                continue
            current.append(i)
            persons += union.members
            if persons >= chunk_size:
                self.chunks.append(Chunk(len(self.chunks), current, persons))
                current, persons = [], 0
        if current:
            self.chunks.append(Chunk(len(self.chunks), current, persons))

    def reserve_ids(self) -> None:
        """Give each chunk its id blocks, out of one reservation per table."""
        total = sum(c.persons for c in self.chunks)
        for key, table in self.tables.items():
            start = table.reserve_block(total * PER_PERSON[key])
            for chunk in self.chunks:
                chunk.starts[key] = start
                start += chunk.persons * PER_PERSON[key]


# The generator of one process: pinyin is computed once per distinct name per process.
_PINYIN = PinyinCache()


class MemberGenerator:
    """Generates the people of one chunk with their histories, as rows or COPY text."""

    def __init__(self, job: Job, chunk: Chunk):
        rnd = self.rnd = random.Random(f"{job.seed}/{chunk.index}")
        self.job = job
        self.chunk = chunk
        self.today = job.today
        self.now = job.now
        self.ids = IdNumbers(job.seed, job.today, chunk.index, max(len(job.chunks), 1))
        self.names = Names(rnd, job.seed, _PINYIN)
        self.phones = Phones(rnd)
        self.pinyin = _PINYIN
        self.tables = job.tables
        self.pools = {k: IdRange(chunk.starts[k], chunk.limit(k)) for k in self.tables}
        self.out: dict[str, list] = {k: [] for k in self.tables}
        self.current = Counter()  # org id → current members
        self.held: list[dict] = []  # the person's memberships, until the person is written
        self.stats = Counter()
        self.other_birthplaces = job.other_birthplaces
        self.pick_area = Weighted([(a, a.weight) for a in job.areas], rnd)
        self.unions = job.receiving
        self.by_area = job.by_area
        self.ethnicity_cache: dict[str, Weighted] = {}
        self.education = Weighted(_EDUCATION, rnd)
        self.high_education = Weighted(_HIGH_EDUCATION, rnd)
        self.skills = Weighted(_SKILLS, rnd)
        self.hukou = Weighted(_HUKOU, rnd)
        self.channels = Weighted(_CHANNELS, rnd)
        self.latest = job.today.toordinal() - 1
        self.floor = dt.date(1985, 1, 1).toordinal()
        self.emit = self._emit_text if job.text else self._emit_row

    def _emit_row(self, key: str, values: dict) -> None:
        self.out[key].append(self.tables[key].row(values))

    def _emit_text(self, key: str, values: dict) -> None:
        self.out[key].append(self.tables[key].line(values))

    def run(self) -> ChunkResult:
        unions = self.job.unions
        for i in self.chunk.unions:
            union = unions[i]
            for _ in range(union.members):
                self.person(union)
        out, self.out = self.out, {}
        # ``self.emit`` is a bound method: a reference cycle that would keep this generator
        # (and, without the line above, all its rows) alive until the next full collection.
        del self.emit
        written = Counter({k: len(v) for k, v in out.items()})
        output: dict[str, list | str] = out
        if self.job.text:
            output = {k: "".join(v) for k, v in out.items()}
        return ChunkResult(self.chunk.index, output, written, self.current, self.stats)

    # ---- helpers -------------------------------------------------------------------------

    def _day(self, first: int, last: int) -> int:
        # random() and a multiplication: randint() costs five times as much, per call.
        return first if last <= first else first + int(self.rnd.random() * (last - first + 1))

    def _ethnicity(self, birthplace: str) -> str:
        weighted = self.ethnicity_cache.get(birthplace)
        if weighted is None:
            pairs = (
                data.ETHNICITY_BY_PREFIX.get(birthplace)
                or data.ETHNICITY_BY_PREFIX.get(birthplace[:4])
                or data.ETHNICITY_DEFAULT
            )
            weighted = self.ethnicity_cache[birthplace] = Weighted(pairs, self.rnd)
        return weighted()

    def _birthplace(self, union: OrgSpec) -> str:
        r = self.rnd.random()
        if r < 0.72 and union.area is not None:
            return union.area.region.code
        if r < 0.92:
            return self.pick_area().region.code
        return self.rnd.choice(self.other_birthplaces)

    def _other_union(self, union: OrgSpec) -> OrgSpec:
        rnd = self.rnd
        near = self.by_area.get(id(union.area)) if union.area is not None else None
        for _ in range(4):
            pool = near if near and rnd.random() < 0.6 else self.unions
            other = rnd.choice(pool)
            if other is not union:
                return other
        return union

    def _membership(self, pid, org: OrgSpec, status, *, joined=None, applied=None, **extra) -> int:
        mid = self.pools["membership"].take()
        card = extra.pop("card_no", None)
        if card is None:
            card = card_no_for(mid) if joined is not None else ""
        if status in (MembershipStatus.ACTIVE, MembershipStatus.RETAINED):
            self.current[org.pk] += 1
        # Written with the person (``person``), once their counted attributes are known.
        self.held.append(
            {
                "id": mid,
                "person_id": pid,
                "org_id": org.pk,
                "status": status,
                "channel": extra.pop("channel", ApplicationChannel.WRITTEN.value),
                "applied_on": applied if applied is not None else joined,
                "joined_on": joined,
                "card_no": card,
                "created_at": self.now,
                "updated_at": self.now,
                **extra,
            },
        )
        return mid

    def _event(self, pid, mid, org: OrgSpec, change_type, on, reason="", note="") -> None:
        self.emit(
            "event",
            {
                "id": self.pools["event"].take(),
                "person_id": pid,
                "membership_id": mid,
                "org_id": org.pk,
                "change_type": change_type,
                "reason": reason,
                "occurred_on": on,
                "note": note[:200],
                "actor_id": None,
                "actor_name": ACTOR_NAME,
                "created_at": self.now,
            },
        )

    def _transfer(self, pid, mid, src: OrgSpec, dst: OrgSpec, sent, decided, status) -> None:
        self.emit(
            "transfer",
            {
                "id": self.pools["transfer"].take(),
                "membership_id": mid,
                "person_id": pid,
                "from_org_id": src.pk,
                "to_org_id": dst.pk,
                "status": status,
                "reason": ChangeReason.LABOR_RELATION.value,
                "sent_on": sent,
                "decided_on": decided,
                "sent_by_name": ACTOR_NAME,
                "decided_by_name": ACTOR_NAME if decided else "",
                "created_at": self.now,
            },
        )

    # ---- one person ----------------------------------------------------------------------

    def person(self, union: OrgSpec) -> None:
        rnd = self.rnd
        birthplace = self._birthplace(union)
        number, birth, gender = self.ids.next(birthplace)
        ident = IdNumber(number, birth, gender, birthplace)
        male = gender == GENDER_MALE
        age = (
            self.today.year
            - birth.year
            - ((self.today.month, self.today.day) < (birth.month, birth.day))
        )
        pid = self.pools["person"].take()
        adult = add_years(birth, 18).toordinal()
        first = max(adult, self.floor, union.founded_on.toordinal())
        latest = self.latest
        day = dt.date.fromordinal
        employment = "10"

        # People who only just turned 18 (or joined a brand-new union) have no history yet.
        history = latest - first >= 400
        r = rnd.random() if history else 1.0
        if r < 0.015:
            applied = self._day(max(adult, latest - 60), latest)
            mid = self._membership(
                pid, union, MembershipStatus.APPLIED, applied=day(applied), channel=self.channels()
            )
            self._event(pid, mid, union, ChangeType.APPLY, day(applied), ChangeReason.APPLICATION)
            self.stats["申请中"] += 1
        elif r < 0.018:
            applied = self._day(max(adult, latest - 400), latest - 20)
            ended = min(latest, applied + rnd.randint(3, 20))
            mid = self._membership(
                pid,
                union,
                MembershipStatus.REJECTED,
                applied=day(applied),
                ended_on=day(ended),
                channel=self.channels(),
            )
            self._event(pid, mid, union, ChangeType.APPLY, day(applied), ChangeReason.APPLICATION)
            self._event(pid, mid, union, ChangeType.REJECT, day(ended))
            self.stats["未批准"] += 1
        elif r < 0.058:
            joined = self._day(first, latest - 30)
            ended = self._day(joined + 30, latest)
            expelled = rnd.random() < 0.02
            mid = self._membership(
                pid,
                union,
                MembershipStatus.ENDED,
                joined=day(joined),
                ended_on=day(ended),
                end_type=EndType.EXPELLED if expelled else EndType.LEFT,
            )
            self._event(pid, mid, union, ChangeType.JOIN, day(joined), ChangeReason.APPLICATION)
            if expelled:
                self._event(pid, mid, union, ChangeType.REMOVE, day(ended), ChangeReason.CRIME)
                self.stats["除名"] += 1
            else:
                self._event(pid, mid, union, ChangeType.LEAVE, day(ended), ChangeReason.PERSONAL)
                self.stats["退会"] += 1
            employment = rnd.choice(("10", "10", "30", "90"))
        else:
            employment = self._current(pid, union, birth, male, age, first, latest, history)

        extra = self._person_fields(union, birthplace, age, employment)
        values = person_values(
            pk=pid,
            name=self.names(gender),
            ident=ident,
            phone=self.phones() if rnd.random() < 0.92 else "",
            org_id=union.pk,
            now=self.now,
            pinyin=self.pinyin,
            extra=extra,
        )
        self.emit("person", values)
        counted = counted_from(values)
        for membership in self.held:
            membership.update(counted)
            self.emit("membership", membership)
        self.held.clear()

    def _current(self, pid, union, birth, male, age, first, latest, history) -> str:
        """A current member's history; returns their 就业状况."""
        rnd = self.rnd
        day = dt.date.fromordinal
        transferred = history and rnd.random() < 0.09
        rejoined = history and not transferred and rnd.random() < 0.01
        joined = self._day(first, latest)
        card = None
        if transferred:
            joined = self._day(max(first - 3650, add_years(birth, 18).toordinal()), latest - 200)
            moved = self._day(joined + 180, latest)
            src = self._other_union(union)
            if src is union:
                transferred = False
            else:
                old = self._membership(
                    pid,
                    src,
                    MembershipStatus.ENDED,
                    joined=day(joined),
                    ended_on=day(moved),
                    end_type=EndType.TRANSFERRED,
                )
                card = card_no_for(old)
                labor = ChangeReason.LABOR_RELATION
                self._event(pid, old, src, ChangeType.JOIN, day(joined), ChangeReason.APPLICATION)
                note_out = f"转入{union.name}"
                self._event(pid, old, src, ChangeType.TRANSFER_SENT, day(moved), labor, note_out)
                self._event(pid, old, src, ChangeType.TRANSFER_OUT, day(moved), labor, note_out)
                self._transfer(
                    pid, old, src, union, day(moved), day(moved), TransferStatus.ACCEPTED
                )
                self.stats["转会"] += 1
        if rejoined and joined + 90 < latest:
            left = self._day(joined + 30, latest - 60)
            back = self._day(left + 30, latest)
            home = union if rnd.random() < 0.5 else self._other_union(union)
            old = self._membership(
                pid,
                home,
                MembershipStatus.ENDED,
                joined=day(joined),
                ended_on=day(left),
                end_type=EndType.LEFT,
            )
            self._event(pid, old, home, ChangeType.JOIN, day(joined), ChangeReason.APPLICATION)
            self._event(pid, old, home, ChangeType.LEAVE, day(left), ChangeReason.PERSONAL)
            joined = back
            self.stats["重新入会"] += 1
        retire_age = 60 if male else 55
        retired = age >= retire_age and rnd.random() < 0.75
        laid_off = not retired and rnd.random() < 0.006
        status = MembershipStatus.RETAINED if retired or laid_off else MembershipStatus.ACTIVE
        retained_on = None
        since = transferred and moved or joined
        if retired:
            retained_on = min(latest, max(add_years(birth, retire_age).toordinal(), since + 1))
        elif laid_off:
            retained_on = self._day(since + 1, latest)
        mid = self._membership(
            pid,
            union,
            status,
            joined=day(joined),
            card_no=card,
            retained_on=day(retained_on) if retained_on else None,
        )
        if transferred:
            self._event(
                pid,
                mid,
                union,
                ChangeType.TRANSFER_IN,
                day(moved),
                ChangeReason.LABOR_RELATION,
                f"自{src.name}转入",
            )
        else:
            self._event(pid, mid, union, ChangeType.JOIN, day(joined), ChangeReason.APPLICATION)
        if retired:
            self._event(pid, mid, union, ChangeType.RETAIN, day(retained_on), ChangeReason.RETIRED)
            self.stats["保留会籍"] += 1
            return "40"
        if laid_off:
            reason = rnd.choice((ChangeReason.UNEMPLOYED, ChangeReason.LAID_OFF))
            self._event(pid, mid, union, ChangeType.RETAIN, day(retained_on), reason)
            self.stats["保留会籍"] += 1
            return "30" if reason == ChangeReason.UNEMPLOYED else "20"
        self.stats["在籍"] += 1
        if rnd.random() < 0.003 and union.kind in (Kind.SINGLE, Kind.JOINT):
            dst = self._other_union(union)
            if dst is not union:
                sent = self._day(max(since + 1, latest - 30), latest)
                self._transfer(pid, mid, union, dst, day(sent), None, TransferStatus.PENDING)
                self._event(
                    pid,
                    mid,
                    union,
                    ChangeType.TRANSFER_SENT,
                    day(sent),
                    ChangeReason.LABOR_RELATION,
                    f"转入{dst.name}",
                )
                self.stats["转会待接收"] += 1
        return "10" if rnd.random() < 0.97 else rnd.choice(("80", "70", "90"))

    def _person_fields(self, union: OrgSpec, birthplace: str, age: int, employment: str) -> dict:
        rnd = self.rnd
        category = union.values.get("unit_category", "")
        enterprise = category in _ENTERPRISE or union.kind == Kind.JOINT
        hukou = self.hukou()
        skill = self.skills() if enterprise and rnd.random() < 0.35 else ""
        political = "13"
        r = rnd.random()
        if r < (0.28 if category in _STATE else 0.08):
            political = "01"
        elif age < 28 and r < 0.45:
            political = "03"
        elif r > 0.995:
            political = "04"
        new_form = ""
        if union.new_form_type and rnd.random() < 0.7:
            new_form = union.new_form_type
        elif rnd.random() < 0.004:
            new_form = rnd.choice(_NEW_FORM)
        return {
            "ethnicity": self._ethnicity(birthplace),
            "education": (self.high_education if category in ("400", "500") else self.education)(),
            "political_status": political,
            "hukou_type": hukou,
            "is_migrant_worker": hukou == "1" and enterprise and rnd.random() < 0.5,
            "employment_status": employment,
            "skill_level": skill,
            "occupation": rnd.choice(data.OCCUPATIONS) if skill or rnd.random() < 0.1 else "",
            "professional_title": rnd.choice(data.TITLES)
            if category in _STATE and rnd.random() < 0.3
            else "",
            "new_form_type": new_form,
            "is_model_worker": rnd.random() < 0.0015,
        }


def run_chunk(job: Job, index: int) -> ChunkResult:
    return MemberGenerator(job, job.chunks[index]).run()
