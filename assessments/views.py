"""HTML screens of the two-step review (domain.md §3, §4; design.md "Web UI"): the
review queue ("My reviews" for an expert), the page of one round, and on it the
authority's panel, verification and conclusion forms; the expert's scoring form; the
scoring sheets of a province.

Thin, as the audit screens: each write view parses a form and calls one service of
`assessments.services` through `core.views.submit`, which translates its errors:
ValidationError → form errors (400), StateConflict → an alert with the unmet reasons
(409); PermissionDenied is the 403 page.
A round outside `Review.objects.for_user` (an expert who does not sit on it included)
is a 404; a role that may never do a thing gets 403 before its scope is looked at.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import AuditorLevel, Role
from accounts.models import User
from audits.choices import Aspect, CostClass, DocumentKind, Indicator, OptionStatus
from core.forms import add_service_errors
from core.regions import province_code
from core.roles import role_required
from core.views import Outcome, submit
from core.xlsx import export_requested, export_response
from enterprises.forms import PublicSearchForm
from enterprises.models import Region
from enterprises.selectors import enterprise_search_q

from . import compliance, services, workflow
from .choices import QueueStage, ReviewKind
from .forms import (
    ConclusionForm,
    DemandResponseForm,
    DrawForm,
    PanelForm,
    ReviewFilterForm,
    ScoreForm,
    SheetForm,
    SheetItemFormSet,
    SheetScopeForm,
    SheetVetoFormSet,
    VerificationForm,
)
from .models import Demand, Review, Score, ScoringSheet, localized, stage_conditions
from .selectors import narrowed_by, review_counts, signal_filter

REVIEW_ROLES = (Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE, Role.EXPERT)
# Panels, conclusions and sheets are the authority's (domain.md §3).
SUPERVISOR_ROLES = (Role.ADMIN, Role.AUTHORITY)
# At acceptance the panel's experts and the authority verify the options (domain.md §4).
VERIFIER_ROLES = (Role.ADMIN, Role.AUTHORITY, Role.EXPERT)
PAGE_SIZE = 50


def _detail_url(review, anchor: str = "") -> str:
    url = reverse("review-detail", args=[review.pk])
    return f"{url}#{anchor}" if anchor else url


def _scoped_review(request, pk) -> Review:
    # The header (enterprise, region, firm), the sheet and who concluded, on every page.
    return get_object_or_404(
        Review.objects.for_user(request.user).select_related(
            "audit__enterprise__region",
            "audit__enterprise__industry",
            "audit__consultancy",
            "sheet__province",
            "concluded_by",
        ),
        pk=pk,
    )


def _plain(value) -> str:
    """A stored figure without its padding zeros, never in exponent form: 70.00 → 70."""
    return format(value.normalize(), "f")


def _label(choices, value) -> str:
    """A stored code's label, or the code itself when the choices no longer have it."""
    try:
        return choices(value).label
    except ValueError:
        return value


# --- the queue -------------------------------------------------------------------------


def _export_queue(request, reviews, *, is_expert: bool):
    header = [
        _("Enterprise"),
        _("Region"),
        _("Review"),
        _("Round"),
        _("Applied on"),
        _("Answer due"),
        _("Overdue"),
        _("Stage"),
        _("Scored"),
        _("Panel size"),
        _("Result"),
        _("Mean score"),
    ]
    if is_expert:
        header.insert(10, _("Your score"))

    def row(review):
        values = [
            review.audit.enterprise.name,
            review.audit.enterprise.region.name,
            review.get_kind_display(),
            review.round,
            review.applied_on,
            review.due_on,
            _("yes") if review.is_overdue else _("no"),
            review.stage.label,
            review.scored_count,
            review.panel_size,
            review.get_result_display() if review.result else _("pending"),
            review.score,
        ]
        if is_expert:
            values.insert(10, _("scored") if review.my_scored else "")
        return values

    return export_response(
        request, name="reviews", title=_("Reviews"), header=header, items=reviews, row=row
    )


@role_required(*REVIEW_ROLES)
def review_list(request):
    """The rounds in the user's scope by stage (the authority's queue), with an overdue
    filter; for an expert the rounds they sit on, and whether they scored yet."""
    user = request.user
    scoped = Review.objects.for_user(user)
    form = ReviewFilterForm(request.GET or None, signals=user.role in SUPERVISOR_ROLES)
    filters = form.filters()
    conditions = stage_conditions()
    # Panel size and scores in two subqueries, not a query per row.
    reviews = scoped.with_progress()
    if stage := filters.get("stage"):
        reviews = reviews.filter(conditions[stage])
    if filters.get("overdue"):
        reviews = reviews.filter(conditions["overdue"])
    if kind := filters.get("kind"):
        reviews = reviews.filter(kind=kind)
    if search := filters.get("search", "").strip():
        reviews = reviews.filter(enterprise_search_q(search, "audit__enterprise"))
    reviews = signal_filter(reviews, filters)
    if user.role == Role.EXPERT:
        reviews = reviews.annotate(
            my_scored=Exists(Score.objects.filter(review=OuterRef("pk"), expert=user))
        )
    # Open rounds first, the most urgent on top; then the concluded, latest first.
    # (The queue_order index serves this order; the snapshot is not shown here.)
    reviews = (
        reviews.select_related("audit__enterprise__region")
        .defer("snapshot", "not_implemented", "opinion")
        .order_by(F("concluded_on").desc(nulls_first=True), "due_on", "pk")
    )
    if export_requested(request):
        return _export_queue(request, reviews, is_expert=user.role == Role.EXPERT)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = review_counts(user, scoped)
    return render(
        request,
        "assessments/review_list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "filters": filters,
            "stages": [(value, label, counts[value]) for value, label in QueueStage.choices],
            "is_expert": user.role == Role.EXPERT,
            "supervises": user.role in SUPERVISOR_ROLES,
            "narrowed": narrowed_by(filters, reviews),
        },
    )


# --- the page of one round -------------------------------------------------------------


def _sheet(review) -> dict:
    sheet = review.sheet
    return {
        "sheet": sheet,
        "items": [
            {"code": i["code"], "title": localized(i), "max_points": i["max_points"]}
            for i in sheet.items
        ],
        "vetoes": [{"code": v["code"], "title": localized(v)} for v in sheet.vetoes],
    }


def _panel(review) -> tuple[list[dict], list[dict]]:
    """The panel, whether each expert scored, and every change of it with names for the
    ids it keeps (one query for all the names)."""
    members = list(review.panel.select_related("expert__organization"))
    scored = set(review.scores.values_list("expert_id", flat=True))
    changes = list(review.panel_changes.select_related("actor"))
    ids = set()
    for change in changes:
        ids.update(change.added, change.removed)
        if change.draw:
            ids.update(change.draw.get("pool", []))
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}

    def named(pks):
        return [names.get(pk, f"#{pk}") for pk in pks]

    history = []
    for change in changes:
        draw = change.draw
        if draw:
            matching = set(draw.get("matching", []))
            draw = draw | {
                "pool_names": [
                    {
                        "name": names.get(pk, f"#{pk}"),
                        "matching": pk in matching,
                        "drawn": pk in draw.get("drawn", []),
                    }
                    for pk in draw.get("pool", [])
                ]
            }
        history.append(
            {
                "change": change,
                "added": named(change.added),
                "removed": named(change.removed),
                "draw": draw,
            }
        )
    return (
        [{"member": member, "scored": member.expert_id in scored} for member in members],
        history,
    )


def _scores(user, review, items) -> list[dict]:
    veto_titles = {v["code"]: localized(v) for v in review.sheet.vetoes}
    return [
        {
            "score": score,
            "points": [score.items.get(item["code"]) for item in items],
            "vetoes": [veto_titles.get(code, code) for code in score.vetoes],
        }
        for score in services.visible_scores(user, review)
    ]


def _with_labels(rows) -> list[dict]:
    return [row | {"label": _label(Indicator, row["indicator"])} for row in rows]


def _verifications(review, can_verify: bool, bound: VerificationForm | None = None):
    """Each mid/high option the panel verifies (and any it verified that has left that
    list), with the claimed, verified and difference per indicator and, while the round
    is open and the user may verify, its form."""
    audit = review.audit
    verifications = {
        v.option_id: v
        for v in review.verifications.select_related("evidence", "verified_by").prefetch_related(
            "benefits"
        )
    }
    # Benefits of every option in one query; each verification reads its option's.
    options = list(
        audit.options.filter(cost_class=CostClass.MID_HIGH)
        .prefetch_related("benefits")
        .order_by("code")
    )
    documents = audit.documents.order_by("kind", "title")
    rows = []
    for option in options:
        verification = verifications.get(option.pk)
        if verification is None and option.status not in services.VERIFIABLE:
            continue
        claimed = {
            b.indicator: (b.actual if b.actual is not None else b.expected)
            for b in option.benefits.all()
        }
        comparison = []
        if verification is not None:
            verification.option = option
            comparison = _with_labels(services.benefit_comparison(verification))
        form = None
        if can_verify:
            if bound is not None and bound.option.pk == option.pk:
                form = bound
            else:
                form = VerificationForm(
                    option=option,
                    documents=documents,
                    claimed=claimed,
                    initial=_verification_initial(verification),
                )
        rows.append(
            {"option": option, "verification": verification, "comparison": comparison, "form": form}
        )
    return rows


def _verification_initial(verification) -> dict:
    if verification is None:
        return {}
    initial = {
        "implemented": "yes" if verification.implemented else "no",
        "note": verification.note,
        "evidence": verification.evidence_id,
    }
    for benefit in verification.benefits.all():
        initial[VerificationForm.benefit_name(benefit.indicator)] = _plain(benefit.value)
    return initial


def _snapshot(review) -> dict | None:
    """What the round judged, as concluded (documents with their SHA-256, options with
    their figures, targets, verifications), with labels in the reader's language."""
    snapshot = review.snapshot or review.submitted
    if not snapshot:
        return None
    taken_at = snapshot.get("taken_at")
    return {
        "taken_at": parse_datetime(taken_at) if taken_at else None,
        "concluded": snapshot is review.snapshot,
        "team": [
            a | {"level_label": _label(AuditorLevel, a.get("level"))}
            for a in snapshot.get("team", [])
        ],
        "consultancy": snapshot.get("consultancy"),
        "focus": snapshot.get("audit", {}).get("focus"),
        "balances": snapshot.get("balances", []),
        "sheet_version": snapshot.get("sheet", {}).get("version"),
        "documents": [
            d | {"kind_label": _label(DocumentKind, d["kind"])}
            for d in snapshot.get("documents", [])
        ],
        "options": [
            o
            | {
                "aspect_label": _label(Aspect, o["aspect"]),
                "cost_class_label": _label(CostClass, o["cost_class"]),
                "status_label": _label(OptionStatus, o["status"]),
                "benefits": _with_labels(o.get("benefits", [])),
            }
            for o in snapshot.get("options", [])
        ],
        "targets": snapshot.get("targets", []),
        "verifications": [
            v | {"benefits": _with_labels(v.get("benefits", []))}
            for v in snapshot.get("verifications", [])
        ],
    }


def _demands(user, review, bound=None) -> list[dict]:
    rows = []
    for demand in review.demands.select_related("responded_by", "document"):
        form = None
        if services.can_respond(user, demand) and services.demand_open(demand):
            if bound is not None and bound.demand_id == demand.pk:
                form = bound
            else:
                form = DemandResponseForm(demand=demand)
        rows.append({"demand": demand, "form": form})
    return rows


def _detail_context(request, review, *, conflict=None, **forms) -> dict:
    user = request.user
    supervises = services.supervises(user, review)
    members, history = _panel(review)
    on_panel = any(row["member"].expert_id == user.pk for row in members)
    is_open = not review.is_concluded
    sheet = _sheet(review)
    context = {
        "review": review,
        "audit": review.audit,
        "conflict": conflict,
        "supervises": supervises,
        "on_panel": on_panel,
        "is_open": is_open,
        **sheet,
        "members": members,
        "panel_history": history,
        "scores": _scores(user, review, sheet["items"]),
        # Experts see their own score only until the round is concluded.
        "scores_hidden": is_open and user.role not in SUPERVISOR_ROLES,
        "snapshot": _snapshot(review),
        "changes": services.round_changes(review),
        # This round's demands (a failed round) and the answers to the round before's.
        "demands": _demands(user, review, bound=forms.pop("demand_form", None)),
        "previous_demands": services.previous_demands(review),
    }
    # Token-compliance signals are for the panel and the authority (domain.md §7).
    if supervises or on_panel:
        context["signals"] = [
            signal | {"table": compliance.figure_table(signal["figures"])}
            for signal in services.signals(review)
        ]
    # The CP level reached against the industry standard (domain.md §4), at acceptance.
    if review.kind == ReviewKind.ACCEPTANCE:
        context["cp_level"] = services.cp_level(review)
    # The panel's findings are the parties' to read once concluded (the snapshot).
    if review.kind == ReviewKind.ACCEPTANCE and is_open and (supervises or on_panel):
        context["verifications"] = _verifications(
            review, can_verify=supervises or on_panel, bound=forms.pop("verification_form", None)
        )
    if is_open and supervises:
        candidates = services.candidates(review)
        context.update(
            {
                "candidates": candidates,
                "panel_form": forms.pop("panel_form", None) or PanelForm(),
                "chosen": {c["expert"].pk for c in candidates if c["on_panel"]},
                "draw_form": forms.pop("draw_form", None) or DrawForm(),
                "conclusion_form": forms.pop("conclusion_form", None) or ConclusionForm(),
                "unmet": workflow.conclusion_unmet(review),
                "min_panel": services.MIN_PANEL,
            }
        )
    context.update(forms)
    return context


def _render_detail(request, review, *, status=200, conflict=None, **forms):
    return render(
        request,
        "assessments/review_detail.html",
        _detail_context(request, review, conflict=conflict, **forms),
        status=status,
    )


@role_required(*REVIEW_ROLES)
def review_detail(request, pk):
    return _render_detail(request, _scoped_review(request, pk))


# --- the panel -------------------------------------------------------------------------


@role_required(*SUPERVISOR_ROLES)
@require_POST
def review_panel(request, pk):
    """Seat the experts ticked on the candidate list (the service refuses, by name, any
    who works for the enterprise or its firm)."""
    review = _scoped_review(request, pk)
    form = PanelForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.panel_set(
            actor=request.user, review=review, expert_ids=list(set(data["experts"]))
        ),
        success=_("The panel was saved."),
    )
    if outcome.ok:
        return redirect(_detail_url(review, "panel"))
    if outcome.conflict:
        return _render_detail(request, review, status=409, conflict=outcome.conflict)
    # The boxes stay as they were ticked, with the refusals above them.
    chosen = set(form.cleaned_data.get("experts", [])) if hasattr(form, "cleaned_data") else set()
    return _render_detail(request, review, status=400, panel_form=form, chosen=chosen)


@role_required(*SUPERVISOR_ROLES)
@require_POST
def review_draw(request, pk):
    """Draw the panel at random from the province's independent experts."""
    review = _scoped_review(request, pk)
    form = DrawForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.panel_draw(
            actor=request.user,
            review=review,
            **{name: value for name, value in data.items() if value is not None},
        ),
        success=_("The panel was drawn."),
    )
    if outcome.ok:
        return redirect(_detail_url(review, "panel"))
    return _render_detail(
        request, review, status=outcome.status, conflict=outcome.conflict, draw_form=form
    )


# --- scoring ---------------------------------------------------------------------------


@role_required(Role.EXPERT)
def review_score(request, pk):
    """A panel expert's points per item, vetoes and comment; submitting again replaces
    the earlier score until the round is concluded."""
    # An expert reaches only the rounds they sit on (Review.objects.for_user).
    review = _scoped_review(request, pk)
    user = request.user
    previous = Score.objects.filter(review=review, expert=user).first()
    outcome = Outcome(ok=True)
    if request.method == "POST":
        form = ScoreForm(request.POST, sheet=review.sheet)
        outcome = submit(
            request,
            form,
            lambda data: services.score_submit(
                actor=user,
                review=review,
                items=form.items(),
                vetoes=data["vetoes"],
                comment=data["comment"],
            ),
            success=_("Your score was saved."),
            # The service names the item in its message: it goes next to that item.
            add_errors=lambda form, error: form.add_service_errors(error),
        )
        if outcome.ok:
            return redirect(_detail_url(review, "scores"))
    else:
        form = ScoreForm(sheet=review.sheet, initial=_score_initial(previous))
    return render(
        request,
        "assessments/score_form.html",
        {
            "review": review,
            "audit": review.audit,
            "form": form,
            "previous": previous,
            "conflict": outcome.conflict,
            "pass_mark": review.sheet.pass_mark,
            "total_max": sum(review.sheet.item_max().values()),
        },
        status=outcome.status,
    )


def _score_initial(score) -> dict:
    if score is None:
        return {}
    initial = {ScoreForm.item_name(code): points for code, points in score.items.items()}
    return initial | {"vetoes": score.vetoes, "comment": score.comment}


# --- verification (acceptance) ---------------------------------------------------------


@role_required(*VERIFIER_ROLES)
@require_POST
def review_verify(request, pk, option_pk):
    """The on-site check of one mid/high-cost option, by a panel expert or the
    authority."""
    review = _scoped_review(request, pk)
    option = get_object_or_404(review.audit.options.prefetch_related("benefits"), pk=option_pk)
    claimed = {
        b.indicator: (b.actual if b.actual is not None else b.expected)
        for b in option.benefits.all()
    }
    form = VerificationForm(
        request.POST,
        option=option,
        claimed=claimed,
        documents=review.audit.documents.order_by("kind", "title"),
    )
    outcome = submit(
        request,
        form,
        lambda data: services.verification_save(
            actor=request.user,
            review=review,
            option=option,
            implemented=data["implemented"],
            verified_benefits=form.verified_benefits(),
            note=data["note"],
            evidence=data["evidence"],
        ),
        success=_("The verification of %(code)s was saved.") % {"code": option.code},
    )
    if outcome.ok:
        return redirect(_detail_url(review, f"option-{option.pk}"))
    if outcome.conflict:
        return _render_detail(request, review, status=409, conflict=outcome.conflict)
    return _render_detail(request, review, status=400, verification_form=form)


# --- conclusion ------------------------------------------------------------------------


@role_required(*SUPERVISOR_ROLES)
@require_POST
def review_conclude(request, pk):
    """Conclude the round with the written opinion: passed or failed by the sheet's pass
    mark and the vetoes; the audit moves on or back."""
    review = _scoped_review(request, pk)
    form = ConclusionForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.review_conclude(
            actor=request.user, review=review, opinion=data["opinion"], demands=data["demands"]
        ),
        success=lambda concluded: (
            _("The review was concluded: %(result)s.") % {"result": concluded.get_result_display()}
        ),
    )
    if outcome.ok:
        return redirect(_detail_url(review, "conclusion"))
    return _render_detail(
        request, review, status=outcome.status, conflict=outcome.conflict, conclusion_form=form
    )


# --- scoring sheets --------------------------------------------------------------------


def _sheet_province(request) -> tuple[Region | None, SheetScopeForm | None]:
    """An authority's province; for the admin, the one chosen (else the national)."""
    user = request.user
    if user.role == Role.AUTHORITY:
        if not user.scope_prefix:
            raise PermissionDenied
        return Region.objects.get(code=province_code(user.scope_prefix)), None
    form = SheetScopeForm(request.GET or None)
    province = form.cleaned_data["province"] if form.is_valid() else None
    return province, form


@role_required(*SUPERVISOR_ROLES)
def sheet_list(request):
    """The assessment and acceptance sheets in force in the user's province and every
    version before them."""
    province, scope_form = _sheet_province(request)
    code = province.code if province else "000000"
    # Every version of the province's and the national sheets, in one query.
    versions = list(
        ScoringSheet.objects.filter(Q(province=province) | Q(province__isnull=True)).select_related(
            "province", "published_by"
        )
    )
    sheets = []
    for kind in ReviewKind:
        current = ScoringSheet.objects.current(kind, code)
        sheets.append(
            {
                "kind": kind,
                "current": current,
                "data": _sheet_rows(current),
                "history": [
                    _sheet_rows(v)
                    for v in sorted(
                        (v for v in versions if v.kind == kind),
                        key=lambda v: (v.province_id is not None, v.version),
                        reverse=True,
                    )
                ],
            }
        )
    return render(
        request,
        "assessments/sheet_list.html",
        {
            "province": province,
            "scope_form": scope_form,
            "sheets": sheets,
            "may_publish": services.can_publish_sheet(request.user, province),
        },
    )


def _sheet_rows(sheet) -> dict:
    return {
        "sheet": sheet,
        "items": [i | {"title": localized(i)} for i in sheet.items],
        "vetoes": [v | {"title": localized(v)} for v in sheet.vetoes],
    }


@role_required(*SUPERVISOR_ROLES)
def sheet_publish(request):
    """A new version of the province's sheet of one kind, prefilled with the one in
    force; the service checks the items sum to 100, the codes and the pass mark."""
    user = request.user
    province, _scope = _sheet_province(request)
    services.require_sheet_publisher(user, province)
    status = 200
    if request.method == "POST":
        form = SheetForm(request.POST)
        items = SheetItemFormSet(request.POST, prefix="items")
        vetoes = SheetVetoFormSet(request.POST, prefix="vetoes")
        outcome = submit(
            request,
            form,
            lambda data: services.sheet_publish(
                actor=user,
                kind=data["kind"],
                province=province,
                items=items.entries(),
                vetoes=vetoes.entries(),
                pass_mark=data["pass_mark"],
            ),
            formsets=[items, vetoes],
            success=lambda sheet: (
                _("Version %(version)s of the sheet was published.") % {"version": sheet.version}
            ),
            add_errors=lambda form, error: add_service_errors(
                form,
                error,
                fields={"items": items.add_service_errors, "vetoes": vetoes.add_service_errors},
            ),
        )
        if outcome.ok:
            url = reverse("sheet-list")
            return redirect(
                f"{url}?province={province.code}" if province and user.role == Role.ADMIN else url
            )
        status = outcome.status
    else:
        kind = request.GET.get("kind")
        kind = kind if kind in ReviewKind.values else ReviewKind.ASSESSMENT
        current = ScoringSheet.objects.current(kind, province.code if province else "000000")
        form = SheetForm(initial={"kind": kind, "pass_mark": _plain(current.pass_mark)})
        items = SheetItemFormSet(prefix="items", initial=current.items)
        vetoes = SheetVetoFormSet(prefix="vetoes", initial=current.vetoes)
    return render(
        request,
        "assessments/sheet_form.html",
        {"province": province, "form": form, "items": items, "vetoes": vetoes},
        status=status,
    )


# --- public page (no login, domain.md §4) ----------------------------------------------


def public_acceptance_list(request):
    """The acceptance results, published once a round is concluded."""
    form = PublicSearchForm(request.GET or None)
    search = form.search()
    reviews = Review.objects.public()
    if search:
        reviews = reviews.filter(enterprise_search_q(search, "audit__enterprise"))
    # The enterprise and its region are on every row.
    reviews = reviews.select_related("audit__enterprise__region").order_by("-concluded_on", "-id")
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/acceptance_list.html",
        {"form": form, "page": page, "search": search, "public_tab": "acceptances"},
    )


@role_required(Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE)
@require_POST
def demand_respond(request, pk, demand_pk):
    """The enterprise or its firm answers a rectification demand of a failed round."""
    review = _scoped_review(request, pk)
    demand = get_object_or_404(Demand.objects.for_user(request.user), pk=demand_pk, review=review)
    form = DemandResponseForm(request.POST, demand=demand)
    outcome = submit(
        request,
        form,
        lambda data: services.demand_respond(actor=request.user, demand=demand, **data),
        success=_("Your answer was recorded."),
    )
    if outcome.ok:
        return redirect(_detail_url(review, "demands"))
    return _render_detail(
        request, review, status=outcome.status, conflict=outcome.conflict, demand_form=form
    )
