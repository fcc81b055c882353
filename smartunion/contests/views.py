"""竞赛 pages: the plan list, a new proposal, the contest page (its transitions from
casework), its entries, the score sheet, the results and the skill-level promotion list for
the human-resources department. Every write is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.casework.views import case_context
from smartunion.contests import forms, services
from smartunion.contests.codes import ContestKind, Part, Tier
from smartunion.contests.models import Benefit, Contest, Entry, Judge
from smartunion.core import audit
from smartunion.core.forms import apply_service_errors, call_service
from smartunion.core.views_mixins import ChangeViewMixin, ScopedViewMixin, fetch_page

PAGE_SIZE = 30


class ContestsMixin(ChangeViewMixin, ScopedViewMixin):
    nav = "contests"

    def get_contest(self) -> Contest:
        if not hasattr(self, "_contest"):
            self._contest = self.get_for_user(
                Contest.objects.select_related("org", "host", "responsible_org"),
                self.kwargs["contest_id"],
                action="view",
                what="竞赛",
            )
        return self._contest

    def require_change(self) -> None:
        if not self.request.user.can("change"):
            raise PermissionDenied("您的账号只有查看权限，不能修改。")


def filter_contests(rows, params):
    """The plan list's filters (the page and the API share them)."""
    year = str(params.get("year", "") or "")
    if year.isdigit():
        rows = rows.filter(year=int(year))
    for name, codes in (("tier", Tier.values), ("kind", ContestKind.values)):
        value = params.get(name, "")
        if value in codes:
            rows = rows.filter(**{name: value})
    state = params.get("state", "")
    if state in dict(Contest.case_type.state_choices()):
        rows = rows.filter(state=state)
    q = (params.get("q") or "").strip()[:32]
    if q:
        rows = rows.filter(name__contains=q)
    return rows


class ContestListView(ContestsMixin, TemplateView):
    """年度竞赛计划."""

    template_name = "contests/contests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        rows = filter_contests(self.visible(Contest), params).select_related("org")
        page = fetch_page(rows.order_by("-year", "-id"), self.request, page_size=PAGE_SIZE)
        context.update(
            p=page,
            contests=page.items,
            tiers=Tier.choices,
            kinds=ContestKind.choices,
            states=Contest.case_type.state_choices(),
            f={k: params.get(k, "") for k in ("year", "tier", "kind", "state", "q")},
        )
        return context


class ContestCreateView(ContestsMixin, FormView):
    """申报: a contest proposed by the user's own union."""

    template_name = "contests/contest_form.html"
    form_class = forms.ContestForm
    action = "change"

    def form_valid(self, form):
        d = form.cleaned_data
        co = [n.strip() for n in (d["co_organisers"] or "").replace(",", "、").split("、")]
        data = services.ContestData(
            name=d["name"],
            year=d["year"],
            tier=d["tier"],
            kind=d["kind"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            budget=d["budget"],
            requires_member=d["requires_member"],
            theory_weight=d["theory_weight"],
            practice_weight=d["practice_weight"],
            defence_weight=d["defence_weight"],
            tie_rule=d["tie_rule"],
            rules_doc=d["rules_doc"],
            trades=[
                services.TradeData(
                    d["trade"], d["occupation_code"], d["level"], d["quota_per_unit"]
                )
            ],
            organisers=[services.OrganiserData("co", n) for n in co if n],
        )
        user = self.request.user
        if not user.scope_org_id:
            form.add_error(None, "您的账号没有所属工会，不能申报竞赛。")
            return self.form_invalid(form)
        try:
            contest = services.create_contest(data, user.scope_org_id, actor=user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已申报竞赛 {contest.number}，待省总工会纳入计划。")
        if contest.interval_warning:
            messages.warning(self.request, contest.interval_warning)
        return redirect(contest.get_absolute_url())


class ContestDetailView(ContestsMixin, TemplateView):
    template_name = "contests/contest.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest = self.get_contest()
        context.update(case_context(contest, self.request.user))
        context.update(
            contest=contest,
            trades=list(contest.trades.all()),
            organisers=list(contest.organisers.all()),
            rules=list(contest.award_rules.all()),
            entries_seen=self.visible(Entry).filter(contest=contest).exists(),
        )
        return context


class EntryListView(ContestsMixin, TemplateView):
    template_name = "contests/entries.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest = self.get_contest()
        params = self.request.GET
        rows = self.visible(Entry).filter(contest=contest)
        state = params.get("state", "")
        if state in dict(Entry.case_type.state_choices()):
            rows = rows.filter(state=state)
        trade = str(params.get("trade", ""))
        if trade.isdigit():
            rows = rows.filter(trade_id=int(trade))
        rows = rows.select_related("person", "org", "trade", "city").order_by("-id")
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        context.update(
            contest=contest,
            p=page,
            entries=page.items,
            trades=list(contest.trades.all()),
            states=Entry.case_type.state_choices(),
            f={"state": state, "trade": trade},
        )
        return context


class EntryDetailView(ContestsMixin, TemplateView):
    template_name = "contests/entry.html"

    def get_entry(self) -> Entry:
        return self.get_for_user(
            Entry.objects.select_related("contest__org", "person", "org", "trade", "city"),
            self.kwargs["entry_id"],
            action="view",
            what="参赛报名",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = kwargs.get("entry") or self.get_entry()
        context.update(case_context(entry, self.request.user))
        context.update(
            entry=entry,
            contest=entry.contest,
            scores=list(entry.scores.select_related("judge").order_by("round", "part", "station")),
            judges=list(Judge.objects.filter(contest=entry.contest)),
            conflicts=list(entry.judgeconflict_set.select_related("judge")),
            benefits=list(entry.benefits.all()),
            conflict_form=kwargs.get("conflict_form") or forms.ConflictForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        entry = self.get_entry()
        self.require_change()
        form = forms.ConflictForm(request.POST)
        if form.is_valid():
            try:
                services.declare_conflict(
                    entry,
                    judge_id=form.cleaned_data["judge"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(request, "已登记回避声明。")
                return redirect(entry.get_absolute_url())
            except ValidationError as exc:
                apply_service_errors(form, exc)
        return self.render_to_response(
            self.get_context_data(entry=entry, conflict_form=form), status=422
        )


class ScoreSheetView(ContestsMixin, TemplateView):
    """成绩录入: the entrants of the current round, each with the judges' scores; a score, a
    judge and the ranking are POSTed here."""

    template_name = "contests/scores.html"

    def rows(self, contest):
        state = "finalist" if contest.state == "final" else "accepted"
        rows = self.visible(Entry).filter(contest=contest, state=state)
        return rows.select_related("person", "org", "trade", "city").order_by(
            "trade_id", "rank", "id"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest = self.get_contest()
        page = fetch_page(self.rows(contest), self.request, page_size=PAGE_SIZE)
        context.update(
            contest=contest,
            p=page,
            entries=page.items,
            judges=list(Judge.objects.filter(contest=contest)),
            parts=[(v, label) for v, label in Part.choices if contest.weights[v] > 0],
            score_form=kwargs.get("score_form") or forms.ScoreForm(),
            judge_form=kwargs.get("judge_form") or forms.JudgeForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        contest = self.get_contest()
        self.require_change()
        what = request.POST.get("do", "score")
        user = request.user
        try:
            if what == "rank":
                n = services.rank_round(contest, actor=user)
                messages.success(request, f"已计算名次（{n}名选手有完整成绩）。")
                return redirect("contests:scores", contest_id=contest.pk)
            if what == "judge":
                form = forms.JudgeForm(request.POST)
                if form.is_valid():
                    services.add_judge(contest, actor=user, **form.cleaned_data)
                    messages.success(request, "已添加裁判。")
                    return redirect("contests:scores", contest_id=contest.pk)
                return self.render_to_response(self.get_context_data(judge_form=form), status=422)
            form = forms.ScoreForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                entry = self.get_for_user(Entry, d["entry"], action="change", what="参赛报名")
                services.record_score(
                    entry,
                    judge_id=d["judge"],
                    part=d["part"],
                    station=d["station"],
                    value=d["value"],
                    actor=user,
                )
                messages.success(request, "已录入成绩。")
                return redirect("contests:scores", contest_id=contest.pk)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("contests:scores", contest_id=contest.pk)
        return self.render_to_response(self.get_context_data(score_form=form), status=422)


class ResultsView(ContestsMixin, TemplateView):
    """成绩与名次: the final (or, before it, the preliminaries) by trade and rank."""

    template_name = "contests/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest = self.get_contest()
        rows = (
            self.visible(Entry)
            .filter(contest=contest, round="final")
            .exclude(rank=None)
            .select_related("person", "org", "trade")
            .order_by("trade_id", "rank", "id")
        )
        page = fetch_page(rows, self.request, page_size=50)
        benefits = Benefit.objects.filter(entry__in=[e.pk for e in page.items])
        by_entry: dict[int, list[str]] = {}
        for b in benefits:
            by_entry.setdefault(b.entry_id, []).append(b.label)
        for e in page.items:
            e.benefit_labels = by_entry.get(e.pk, [])
        context.update(contest=contest, p=page, entries=page.items)
        return context


class PromotionsExportView(ContestsMixin, View):
    """技能等级晋升名单 (xlsx) for the human-resources department: masked ID numbers, or
    full ones for an account allowed to export personal information (``?pii=1``)."""

    def get(self, request, *args, **kwargs):
        from smartunion.imports import exports

        contest = self.get_contest()
        with_pii = request.GET.get("pii") == "1"
        if with_pii and not request.user.can("export_pii"):
            raise PermissionDenied("您的账号没有导出个人信息的权限。")
        rows = (
            Benefit.objects.filter(entry__contest=contest, outcome="promotion")
            .filter(entry__in=self.visible(Entry).filter(contest=contest))
            .select_related("entry__person", "entry__org", "entry__trade")
            .order_by("entry__trade_id", "entry__rank", "id")
        )

        def lines():
            for b in rows.iterator(chunk_size=2000):
                e = b.entry
                ident = e.person.id_number if with_pii else e.person.id_masked
                yield [
                    e.person.name,
                    ident,
                    e.org.name,
                    e.trade.name,
                    e.trade.occupation_code,
                    e.rank,
                    e.get_award_display(),
                    dict(services.SkillLevel.choices).get(b.from_level, ""),
                    dict(services.SkillLevel.choices).get(b.to_level, ""),
                    b.granted_on,
                ]

        export = exports.Export(
            title=f"{contest.name}技能等级晋升名单",
            headers=[
                "姓名",
                "身份证号码",
                "工作单位（工会）",
                "工种",
                "职业编码",
                "名次",
                "奖项",
                "原等级",
                "晋升等级",
                "确认日期",
            ],
            rows=lines(),
            stem=f"{contest.number}-技能晋升名单",
            user=request.user,
            with_pii=with_pii,
            spec=exports.ExportSpec(kind="contest_promotions", with_pii=with_pii),
            sheet_name="技能晋升",
        )
        audit.record(
            request.user,
            "export.pii" if with_pii else "export",
            contest,
            changes={"kind": "contest_promotions", "format": "xlsx", "with_pii": with_pii},
        )
        return exports.temporary_file_response(exports.write_xlsx(export), f"{export.stem}.xlsx")


class AwardRulesView(ContestsMixin, FormView):
    """奖励规则: what ranks and awards of the final turn into honour candidates and skill-level
    promotions (``services.save_award_rules``; the organiser, before the awards are applied)."""

    template_name = "contests/award_rules.html"
    action = "change"

    def get_form(self, form_class=None):
        contest = self.get_contest()
        services.organiser_only(contest, self.request.user)
        if self.request.method == "POST":
            return forms.AwardRuleFormSet(self.request.POST, prefix="rules")
        initial = [
            dict(
                label=r.label,
                max_rank=r.max_rank,
                min_award=r.min_award,
                outcome=r.outcome,
                honour_kind=r.honour_kind,
            )
            for r in contest.award_rules.all()
        ]
        return forms.AwardRuleFormSet(initial=initial, prefix="rules")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            contest=self.get_contest(),
            applied=Benefit.objects.filter(entry__contest=self.get_contest()).exists(),
        )
        return context

    def form_valid(self, formset):
        contest = self.get_contest()
        rules = [
            services.AwardRuleData(
                label=f.cleaned_data["label"],
                outcome=f.cleaned_data["outcome"],
                max_rank=f.cleaned_data["max_rank"],
                min_award=f.cleaned_data["min_award"],
                honour_kind=f.cleaned_data["honour_kind"],
                row=n,
            )
            for n, f in enumerate(formset.forms, start=1)
            if not f.is_blank()
        ]
        try:
            services.save_award_rules(contest.pk, rules, actor=self.request.user)
        except ValidationError as exc:
            for message in exc.messages:
                formset._non_form_errors = formset.error_class(
                    [*formset.non_form_errors(), message], renderer=formset.renderer
                )
            return self.form_invalid(formset)
        messages.success(self.request, f"已保存奖励规则（{len(rules)}条）。")
        return redirect(contest.get_absolute_url())


class TeamsView(ContestsMixin, FormView):
    """团体名次 and 组队: the teams of the contest ranked by the sum of their best members'
    final totals (``services.team_ranking``); a unit's staff form a team of its entrants."""

    template_name = "contests/teams.html"
    form_class = forms.TeamForm

    def post(self, request, *args, **kwargs):
        self.require_change()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        from smartunion.orgs.models import Organization

        kwargs = super().get_form_kwargs()
        # The ids first (a contest has hundreds of entering unions at most): as a subquery
        # ORed with the other two, PostgreSQL walked the whole path index of 49,000 unions to
        # fill the 300 (130 ms at province scale, docs/performance.md); as a list the three
        # conditions are one bitmap of index scans.
        org_ids = list(
            self.visible(Entry, "change")
            .filter(contest=self.get_contest())
            .order_by()
            .values_list("org_id", flat=True)
            .distinct()
        )
        # The units whose entrants may form a team: the entering unions, and the user's own
        # union with the unions right below it (a city's or an industry's delegation).
        mine = self.request.user.scope_org_id
        kwargs["unions"] = list(
            Organization.objects.visible_to(self.request.user, "change")
            .filter(Q(pk__in=org_ids) | Q(pk=mine) | Q(parent_id=mine))
            .only("pk", "name", "path")
            .order_by("path")[:300]
        )
        return kwargs

    def get_context_data(self, **kwargs):
        from smartunion.contests.models import Team

        context = super().get_context_data(**kwargs)
        contest = self.get_contest()
        visible = set(self.visible(Team).filter(contest=contest).values_list("pk", flat=True))
        context.update(
            contest=contest,
            rows=[r for r in services.team_ranking(contest) if r.team.pk in visible],
        )
        return context

    def form_valid(self, form):
        d = form.cleaned_data
        contest = self.get_contest()
        team = call_service(
            form,
            lambda: services.create_team(
                contest.pk,
                actor=self.request.user,
                org_id=int(d["org"]),
                name=d["name"],
                entry_numbers=services.ENTRY_NUMBERS.split(d["entries"] or ""),
                counted=d["counted"],
            ),
        )
        if team is None:
            return self.form_invalid(form)
        messages.success(self.request, f"已组建参赛队“{team.name}”。")
        return redirect("contests:teams", contest_id=contest.pk)
