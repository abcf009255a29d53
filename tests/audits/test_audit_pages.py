"""The audit screens: the list of audits in scope and the page of one audit (the
consultant's workspace, the enterprise's status page, the authority's read-only view).
Every page and action for every role, then what each part of the page does."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.choices import AuditorLevel
from accounts.models import Auditor
from audits import services
from audits.choices import AuditState, CostClass, DocumentKind, Indicator, OptionStatus
from audits.models import Audit, AuditComment, Balance, Document, Option, Target, TransitionLog
from audits.workflow import audit_transition
from tests.support.audits import upload
from tests.support.cast import ROLES, enterprise
from tests.support.lists import published_list
from tests.support.matrix import RoleMatrix, assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous visitors are sent to the login page
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
HTMX = {"HTTP_HX_REQUEST": "true"}
SERIALS = itertools.count(700)


# --- making audits as their users would -----------------------------------------------


def engaged(cast, published_on=None) -> Audit:
    """The Nanjing enterprise's audit (not started) with cast.firm engaged by the
    enterprise; the Suzhou enterprise's audit stays without a firm."""
    published_list(cast, published_on=published_on or timezone.localdate())
    audit = Audit.objects.get(enterprise=cast.enterprise)
    return services.audit_update(
        actor=cast.user("enterprise_user"), audit=audit, consultancy=cast.firm
    )


def auditor(cast, name="Li Na", days=365) -> Auditor:
    """Another auditor of cast.firm; `days` < 0 makes an expired certificate."""
    return Auditor.objects.create(
        name=name,
        certificate_no=f"JS-{next(SERIALS)}",
        level=AuditorLevel.AUDITOR,
        issued_on=timezone.localdate() - datetime.timedelta(days=730),
        valid_until=timezone.localdate() + datetime.timedelta(days=days),
        organization=cast.firm,
    )


def option(
    cast, audit, code="N1", cost_class=CostClass.NO_LOW, investment=20_000, benefits=None, **fields
) -> Option:
    fields = {"title": f"Option {code}", "aspect": "management"} | fields
    return services.option_save(
        actor=cast.user("consultant"),
        audit=audit,
        code=code,
        cost_class=cost_class,
        investment=investment,
        benefits=benefits,
        **fields,
    )


def move(cast, audit, to) -> Audit:
    return audit_transition(
        audit=Audit.objects.get(pk=audit.pk), to=to, actor=cast.user("consultant")
    )


def pdf(content=PDF, name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def option_data(opt, **changes) -> dict:
    """The inline edit form of `opt` as the browser posts it: every field, and the
    benefit formset with one row per indicator."""
    prefix = f"option-{opt.pk}"
    data = {
        f"{prefix}-{name}": "" if value is None else value
        for name, value in {
            "code": opt.code,
            "title": opt.title,
            "aspect": opt.aspect,
            "cost_class": opt.cost_class,
            "investment": opt.investment,
            "status": opt.status,
            "reason": opt.reason,
            "implemented_on": opt.implemented_on,
            "annual_net_benefit": opt.annual_net_benefit,
            "lifetime_years": opt.lifetime_years,
            # The page takes a percentage: 8 for the stored 0.08.
            "discount_rate": None if opt.discount_rate is None else opt.discount_rate * 100,
            "description": opt.description,
        }.items()
    }
    data.update(
        {f"{prefix}-{name}": value for name, value in changes.items() if name != "benefits"}
    )
    benefits = {b.indicator: b for b in opt.benefits.all()}
    benefits.update(changes.get("benefits", {}))
    data.update(benefit_data(f"{prefix}-benefits", benefits))
    return data


def benefit_data(prefix, benefits) -> dict:
    """`benefits`: indicator → an OptionBenefit or an (expected, actual) pair."""
    count = len(Indicator.values)
    data = {
        f"{prefix}-TOTAL_FORMS": count,
        f"{prefix}-INITIAL_FORMS": count,
        f"{prefix}-MIN_NUM_FORMS": count,
        f"{prefix}-MAX_NUM_FORMS": count,
    }
    for i, indicator in enumerate(Indicator.values):
        value = benefits.get(indicator)
        expected, actual = (
            value
            if isinstance(value, tuple)
            else (getattr(value, "expected", None), getattr(value, "actual", None))
        )
        data[f"{prefix}-{i}-indicator"] = indicator
        data[f"{prefix}-{i}-expected"] = "" if expected is None else expected
        data[f"{prefix}-{i}-actual"] = "" if actual is None else actual
    return data


def new_option_data(**fields) -> dict:
    values = {
        "code": "N9",
        "title": "Recover condensate",
        "aspect": "equipment",
        "cost_class": "no_low",
        "investment": "5000",
        "annual_net_benefit": "",
        "lifetime_years": "",
        "discount_rate": "",
        "description": "",
    } | fields
    data = {f"new-option-{name}": value for name, value in values.items()}
    return data | benefit_data("new-option-benefits", {})


def login(client, cast, role="consultant"):
    client.force_login(cast.user(role))
    return client


def page(client, audit) -> str:
    return client.get(f"/audits/{audit.pk}/").content.decode()


# --- every page and action for every role ---------------------------------------------


def reads(ok=200) -> dict:
    """The Nanjing audit engaged with cast.firm: its enterprise, its firm, the Jiangsu
    and Nanjing officers and the admin see it; others of their kind get 404, and so does
    an expert who sits on none of its review panels."""
    return {
        "admin": ok,
        "province_officer": ok,
        "other_province_officer": 404,
        "city_officer": ok,
        "consultant": ok,
        "other_consultant": 404,
        "enterprise_user": ok,
        "other_enterprise_user": 404,
        "expert": 404,
        "anonymous": LOGIN,
    }


def writes(ok=302) -> dict:
    """The enterprise and its engaged firm do the work; an authority never does (403
    before its scope is looked at, as in the API)."""
    return reads(ok) | {
        "province_officer": 403,
        "other_province_officer": 403,
        "city_officer": 403,
        "expert": 403,
    }


class TestAuditPageRoles(RoleMatrix):
    api = False
    build = staticmethod(lambda cast: {"audit": engaged(cast)})
    matrix = {
        # Lists are scoped, not refused.
        "list": {role: 200 for role in ROLES} | {"anonymous": LOGIN},
        "detail": reads(),
        "comment": reads(302),
        "transition": writes(),
        # The enterprise engages its firm; the firm does not engage itself.
        "update_engagement": writes() | {"consultant": 403},
        "update_team": writes(),
        "update_focus": writes(),
        "target_add": writes(),
        "target_edit_form": writes(200),
        "target_edit": writes(),
        "target_delete": writes(),
        "balance_add": writes(),
        "balance_edit_form": writes(200),
        "balance_delete": writes(),
        "option_add": writes(),
        "option_edit_form": writes(200),
        "option_edit_row": writes(200),
        "option_edit": writes(),
        "option_delete": writes(),
        "options_bulk_form": writes(200),
        "options_bulk": writes(),
        "options_move": writes(),
        "document_upload": writes(),
        "document_delete": writes(),
    }

    def request(self, action, client, cast):
        if action == "list":
            return client.get("/audits/")
        audit = self.world.audit
        url = f"/audits/{audit.pk}/"
        match action:
            case "detail":
                return client.get(url)
            case "comment":
                return client.post(f"{url}comments/", {"text": "Where is the work plan?"})
            case "transition":
                return client.post(f"{url}transition/", {"to": "planning"})
            case "update_engagement":
                return client.post(
                    f"{url}update/", {"section": "engagement", "consultancy": cast.firm.pk}
                )
            case "update_team":
                return client.post(f"{url}update/", {"section": "team", "team": [cast.auditor.pk]})
            case "update_focus":
                return client.post(f"{url}update/", {"section": "focus", "focus": "Pulping"})
            case "target_add":
                return client.post(
                    f"{url}targets/",
                    {
                        "new-target-indicator": "Water per tonne",
                        "new-target-unit": "t/t",
                        "new-target-baseline": "60",
                    },
                )
            case "balance_add":
                return client.post(
                    f"{url}balances/",
                    {
                        "new-balance-kind": "water",
                        "new-balance-title": "Water",
                        "new-balance-unit": "t/d",
                        "new-balance-tolerance_pct": "5",
                        "new-balance-flows": "in; Fresh water; 100\nout; Wastewater; 98",
                    },
                )
            case "option_add":
                return client.post(f"{url}options/", new_option_data())
            case "options_move":
                opt = option(cast, audit)
                return client.post(
                    f"{url}options/move/", {"options": [opt.pk], "status": "retained"}
                )
            case "options_bulk_form":
                return client.get(f"{url}options/bulk/")
            case "options_bulk":
                return client.post(
                    f"{url}options/bulk/", {"text": "B1\tLED lighting\tequipment\tno_low\t8000\t"}
                )
            case "document_upload":
                return client.post(
                    f"{url}documents/", {"kind": "audit_report", "title": "Report", "file": pdf()}
                )
        consultant = cast.user("consultant")
        if action.startswith("target"):
            target = services.target_save(
                actor=consultant, audit=audit, indicator="COD", unit="mg/L", baseline=120
            )
            target_url = f"{url}targets/{target.pk}/"
            match action:
                case "target_edit_form":
                    return client.get(target_url)
                case "target_edit":
                    return client.post(
                        target_url,
                        {
                            f"target-{target.pk}-indicator": "COD",
                            f"target-{target.pk}-unit": "mg/L",
                            f"target-{target.pk}-baseline": "110",
                        },
                    )
                case "target_delete":
                    return client.post(f"{target_url}delete/")
        if action.startswith("balance"):
            balance = services.balance_save(
                actor=consultant,
                audit=audit,
                kind="energy",
                title="Steam",
                unit="GJ",
                flows=[{"direction": "in", "name": "Coal", "quantity": 10}],
            )
            if action == "balance_edit_form":
                return client.get(f"{url}balances/{balance.pk}/")
            return client.post(f"{url}balances/{balance.pk}/delete/")
        if action.startswith("option"):
            opt = option(cast, audit)
            option_url = f"{url}options/{opt.pk}/"
            match action:
                case "option_edit_form":
                    return client.get(option_url)
                case "option_edit_row":
                    return client.get(option_url, **HTMX)
                case "option_edit":
                    return client.post(option_url, option_data(opt, status="retained"))
                case "option_delete":
                    return client.post(f"{option_url}delete/")
        if action == "document_delete":
            document = services.document_upload(
                actor=consultant, audit=audit, kind="evidence", title="Meter", file=pdf()
            )
            return client.post(f"{url}documents/{document.pk}/delete/")
        raise AssertionError(action)


# --- the list -------------------------------------------------------------------------


def test_list_shows_the_audits_in_scope_with_overdue_badges(cast, client):
    published_list(cast, published_on=datetime.date(2020, 3, 1))  # long overdue to start
    content = login(client, cast, "province_officer").get("/audits/").content.decode()
    assert "Jinling Paper Co." in content and "Wujiang Dyeing Co." in content
    # Each has missed its start and its report deadline.
    assert content.count(">overdue<") == 4
    nanjing = Audit.objects.get(enterprise=cast.enterprise)
    assert f'href="/audits/{nanjing.pk}/"' in content
    content = login(client, cast, "city_officer").get("/audits/").content.decode()
    assert "Jinling Paper Co." in content and "Wujiang Dyeing Co." not in content
    content = login(client, cast, "other_consultant").get("/audits/").content.decode()
    assert "No audits match." in content


def test_list_filters(cast, client):
    audit = engaged(cast)  # Nanjing, firm engaged, deadlines from today
    move(cast, audit, AuditState.PLANNING)
    suzhou = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    Audit.objects.filter(pk=suzhou.pk).update(start_due=datetime.date(2020, 1, 1))
    lone = Audit.objects.create(
        enterprise=enterprise("Late Chemicals Co.", "320102", "26", next(SERIALS)),
        start_due=timezone.localdate() + datetime.timedelta(days=30),
        report_due=timezone.localdate() + datetime.timedelta(days=300),
    )
    login(client, cast, "province_officer")

    def names(**params):
        response = client.get("/audits/", params)
        assert response.status_code == 200
        return {a.enterprise.name for a in response.context["page"]}

    assert names() == {"Jinling Paper Co.", "Wujiang Dyeing Co.", "Late Chemicals Co."}
    assert names(state="planning") == {"Jinling Paper Co."}
    assert names(state="not_started") == {"Wujiang Dyeing Co.", "Late Chemicals Co."}
    assert names(region="3205") == {"Wujiang Dyeing Co."}
    assert names(industry="26") == {"Late Chemicals Co."}
    assert names(consultancy=cast.firm.pk) == {"Jinling Paper Co."}
    assert names(year=2026) == {"Jinling Paper Co.", "Wujiang Dyeing Co."}
    assert names(overdue="true") == {"Wujiang Dyeing Co."}
    assert names(overdue="true", region="3201") == set()
    # The filter form offers what the officer may see, and keeps what was chosen.
    response = client.get("/audits/", {"overdue": "true", "region": "3205"})
    form = response.context["filters"]
    regions = [value for value, _ in form.fields["region"].choices]
    assert {"", "32", "3201", "3205"} <= set(regions)
    assert not any(value.startswith("33") for value in regions)
    assert list(form.fields["consultancy"].queryset) == [cast.firm]
    assert [str(y) for y, _ in form.fields["year"].choices] == ["", "2026"]
    content = response.content.decode()
    assert 'name="overdue" value="true"' in content and "checked" in content
    assert lone.pk not in [a.pk for a in response.context["page"]]


def test_list_query_count_is_constant(cast, client):
    login(client, cast, "province_officer")
    published_list(cast)
    consultancy = cast.firm

    def grow(n):
        for _ in range(n):
            Audit.objects.create(
                enterprise=enterprise("Grown Co.", "320102", "26", next(SERIALS)),
                consultancy=consultancy,
                start_due=datetime.date(2020, 1, 1),
                report_due=datetime.date(2027, 1, 1),
            )

    assert_constant_queries(lambda: client.get("/audits/"), grow)


# --- the page: header, timeline, history, checklist -----------------------------------


def test_enterprise_sees_its_status_timeline_and_history(cast, client):
    audit = engaged(cast, published_on=datetime.date(2026, 3, 1))  # start due 2026-05-01
    content = page(login(client, cast, "enterprise_user"), audit)
    assert "Green Source Consulting" in content
    # The enterprise has not disclosed within its month either (domain.md §1), nor
    # registered on the platform, nor filed its contract and plan (procedures).
    assert re.findall(r'data-testid="overdue">([^<]*)<', content) == [
        "start overdue",
        "disclosure overdue",
        "registration overdue",
        "filing overdue",
    ]
    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', content, re.S).group(1)
    assert 'data-kind="start" data-status="overdue"' in timeline
    assert 'data-kind="disclosure" data-status="overdue"' in timeline
    # The next one due is the first still ahead: the disclosure is overdue too, so the
    # report.
    assert 'data-kind="report" data-status="next"' in timeline
    move(cast, audit, AuditState.PLANNING)
    content = page(client, audit)
    history = re.search(r'data-testid="history">(.*?)</table>', content, re.S).group(1)
    assert "Not started" in history and "1 Planning and organisation" in history
    assert "consultant" in history


def test_checklist_shows_the_unmet_conditions(cast, client):
    audit = move(cast, engaged(cast), AuditState.PLANNING)
    response = login(client, cast).get(f"/audits/{audit.pk}/")
    [step] = response.context["moves"]
    assert step["to"] == AuditState.PRE_ASSESSMENT and not step["allowed"]
    content = response.content.decode()
    checklist = re.search(r'data-testid="checklist">(.*?)</section>', content, re.S).group(1)
    assert "The audit team needs at least 2 members; it has 0." in checklist
    assert "at least 2 team auditors need a certificate valid today" in checklist
    assert 'disabled data-testid="transition-button"' in checklist
    assert 'data-testid="ready"' not in checklist
    assert "Name the team leader, an auditor on the team." in checklist
    assert "Upload the leadership commitment." in checklist
    assert "Upload the audit work plan." in checklist
    services.audit_update(
        actor=cast.user("consultant"),
        audit=audit,
        team=[cast.auditor, auditor(cast)],
        team_leader=cast.auditor,
    )
    checklist = re.search(
        r'data-testid="checklist">(.*?)</section>', page(client, audit), re.S
    ).group(1)
    assert "team leader" not in checklist and "members" not in checklist
    assert "Upload the audit work plan." in checklist and 'data-testid="ready"' not in checklist
    upload(cast, audit, kind=DocumentKind.LEADERSHIP_COMMITMENT, title="Commitment")
    upload(cast, audit, kind=DocumentKind.WORK_PLAN, title="Work plan")
    checklist = re.search(
        r'data-testid="checklist">(.*?)</section>', page(client, audit), re.S
    ).group(1)
    assert 'data-testid="ready"' in checklist and "disabled" not in checklist


def test_transition_button_moves_the_audit(cast, client):
    audit = engaged(cast)
    response = login(client, cast).post(
        f"/audits/{audit.pk}/transition/",
        {"to": "planning", "comment": "Kick-off held"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/audits/{audit.pk}/#checklist", 302)]
    audit.refresh_from_db()
    assert audit.state == AuditState.PLANNING and audit.started_on == timezone.localdate()
    log = TransitionLog.objects.get(audit=audit)
    assert (log.from_state, log.to_state, log.comment) == (
        "not_started",
        "planning",
        "Kick-off held",
    )
    content = response.content.decode()
    assert "The audit moved to “1 Planning and organisation”." in content
    assert "Kick-off held" in content


def test_refused_transition_is_a_409_with_the_reasons(cast, client):
    audit = move(cast, engaged(cast), AuditState.PLANNING)
    response = login(client, cast, "enterprise_user").post(
        f"/audits/{audit.pk}/transition/", {"to": "pre_assessment"}
    )
    assert response.status_code == 409
    content = response.content.decode()
    conflict = re.search(r'data-testid="conflict">(.*?)</div>', content, re.S).group(1)
    assert "Some conditions are not met yet." in conflict
    assert "The audit team needs at least 2 members; it has 0." in conflict
    audit.refresh_from_db()
    assert audit.state == AuditState.PLANNING
    # Not a step from here at all.
    response = client.post(f"/audits/{audit.pk}/transition/", {"to": "completed"})
    assert response.status_code == 409
    assert "Not a step from the current state." in response.content.decode()
    # No target state at all.
    response = client.post(f"/audits/{audit.pk}/transition/", {})
    assert response.status_code == 400


# --- engagement, team, focus ----------------------------------------------------------


def test_enterprise_engages_a_firm_and_the_firm_sets_team_and_focus(cast, client):
    published_list(cast)
    audit = Audit.objects.get(enterprise=cast.enterprise)
    login(client, cast, "enterprise_user")
    assert 'data-testid="engagement-form"' in page(client, audit)
    response = client.post(
        f"/audits/{audit.pk}/update/", {"section": "engagement", "consultancy": cast.firm.pk}
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.consultancy == cast.firm
    expired = auditor(cast, "Chen Gang", days=-1)
    login(client, cast)
    content = page(client, audit)
    assert 'data-testid="engagement-form"' not in content  # the enterprise's choice
    assert "Chen Gang" in content and "expired on" in content
    response = client.post(
        f"/audits/{audit.pk}/update/", {"section": "team", "team": [cast.auditor.pk, expired.pk]}
    )
    assert response.status_code == 302
    assert set(audit.team.all()) == {cast.auditor, expired}
    response = client.post(
        f"/audits/{audit.pk}/update/", {"section": "focus", "focus": "Pulping and bleaching"}
    )
    assert response.status_code == 302
    content = page(client, audit)
    team = re.search(r'data-testid="team">(.*?)</table>', content, re.S).group(1)
    assert 'class="table-danger"' in team and "expired" in team
    assert "Pulping and bleaching" in content
    # An auditor of another firm is not offered, and refused if posted.
    response = client.post(
        f"/audits/{audit.pk}/update/", {"section": "team", "team": [cast.other_auditor.pk]}
    )
    assert response.status_code == 400
    assert response.context["team_form"].errors["team"]
    assert client.post(f"/audits/{audit.pk}/update/", {"section": "x"}).status_code == 400


# --- targets and balances -------------------------------------------------------------


def test_targets_are_added_edited_inline_and_deleted(cast, client):
    audit = engaged(cast)
    login(client, cast)
    url = f"/audits/{audit.pk}/targets/"
    response = client.post(url, {"new-target-indicator": "", "new-target-unit": "t/t"})
    assert response.status_code == 400
    assert response.context["target_form"].errors["indicator"]
    client.post(
        url,
        {
            "new-target-indicator": "Water per tonne",
            "new-target-unit": "t/t",
            "new-target-baseline": "60",
            "new-target-near_term": "50",
        },
    )
    target = Target.objects.get(audit=audit)
    row = client.get(f"{url}{target.pk}/", **HTMX)
    assert row.content.decode().startswith("<tr") and "hx-post" in row.content.decode()
    response = client.post(
        f"{url}{target.pk}/",
        {
            f"target-{target.pk}-indicator": "Water per tonne",
            f"target-{target.pk}-unit": "t/t",
            f"target-{target.pk}-baseline": "60",
            f"target-{target.pk}-achieved": "48",
        },
        **HTMX,
    )
    assert response.status_code == 200 and "48" in response.content.decode()
    target.refresh_from_db()
    assert target.achieved == 48 and target.near_term is None
    assert client.post(f"{url}{target.pk}/delete/").status_code == 302
    assert not Target.objects.exists()


def test_balance_with_flows_shows_totals_and_a_closure_warning(cast, client):
    audit = engaged(cast)
    login(client, cast)
    url = f"/audits/{audit.pk}/balances/"
    fields = {
        "new-balance-kind": "water",
        "new-balance-title": "Paper machine water",
        "new-balance-unit": "t/d",
        "new-balance-tolerance_pct": "5",
    }
    response = client.post(url, fields | {"new-balance-flows": "in; Fresh water\nsideways; x; 1"})
    assert response.status_code == 400
    errors = response.context["balance_form"].errors["flows"]
    assert any("Line 1" in e for e in errors) and any("“sideways”" in e for e in errors)
    response = client.post(
        url,
        fields
        | {
            "new-balance-flows": "in; Fresh water; 1,000\nin；Steam；200\n"
            "out; Wastewater; 900\nout\tEvaporation\t100"
        },
    )
    assert response.status_code == 302
    balance = Balance.objects.get(audit=audit)
    assert balance.flows.count() == 4
    content = page(client, audit)
    assert 'data-testid="inputs">1,200' in content or 'data-testid="inputs">1200' in content
    assert 'data-testid="closure-warning"' in content and "16.67" in content
    response = client.get(f"{url}{balance.pk}/")
    # The edit page shows the flows as the rows of a grid (issue 17).
    grid = response.context["form"].grid
    assert [f.initial for f in grid.forms[:4]] == [
        {"direction": "in", "name": "Fresh water", "quantity": Decimal("1000")},
        {"direction": "in", "name": "Steam", "quantity": Decimal("200")},
        {"direction": "out", "name": "Wastewater", "quantity": Decimal("900")},
        {"direction": "out", "name": "Evaporation", "quantity": Decimal("100")},
    ]
    assert 'value="Fresh water"' in response.content.decode()
    response = client.post(
        f"{url}{balance.pk}/",
        {
            f"balance-{balance.pk}-kind": "water",
            f"balance-{balance.pk}-title": "Water",
            f"balance-{balance.pk}-unit": "t/d",
            f"balance-{balance.pk}-tolerance_pct": "5",
            f"balance-{balance.pk}-flows": "in; Fresh water; 1000\nout; Wastewater; 980",
        },
    )
    assert response.status_code == 302
    content = page(client, audit)
    assert 'data-testid="closure-warning"' not in content and "Closure 2.00 %" in content


def grid(prefix, rows, extra=2) -> dict:
    """The balance form's grid as a browser posts it: `rows` then blank rows."""
    rows = [*rows, *[("", "", "")] * extra]
    data = {f"{prefix}-grid-TOTAL_FORMS": len(rows), f"{prefix}-grid-INITIAL_FORMS": 0}
    for index, (direction, name, quantity) in enumerate(rows):
        data |= {
            f"{prefix}-grid-{index}-direction": direction,
            f"{prefix}-grid-{index}-name": name,
            f"{prefix}-grid-{index}-quantity": quantity,
        }
    return data


def test_balance_flows_are_edited_as_a_grid(cast, client):
    """Issue 17: direction, flow and quantity in columns, not `in; 煤; 1200` text; a
    pasted line still adds to them; a half-filled row is marked, nothing saved."""
    audit = engaged(cast)
    login(client, cast)
    url = f"/audits/{audit.pk}/balances/"
    fields = {
        "new-balance-kind": "energy",
        "new-balance-title": "Boiler house",
        "new-balance-unit": "tce",
        "new-balance-tolerance_pct": "5",
    }
    assert 'data-testid="flow-grid"' in page(client, audit)
    half = grid("new-balance", [("in", "煤", "1200"), ("out", "", "5")])
    response = client.post(url, fields | half)
    assert response.status_code == 400
    form = response.context["balance_form"]
    assert form.non_field_errors() == ["Correct the flows marked in the grid."]
    assert form.grid.forms[1].errors == {"name": ["Needed for the flow."]}
    assert not Balance.objects.exists()
    rows = grid("new-balance", [("in", "煤", "1,200"), ("out", "蒸汽", "1150")])
    response = client.post(url, fields | rows | {"new-balance-flows": "out; 灰渣; 30"})
    assert response.status_code == 302
    balance = Balance.objects.get(audit=audit)
    assert list(balance.flows.values_list("direction", "name", "quantity")) == [
        ("in", "煤", Decimal("1200")),
        ("out", "蒸汽", Decimal("1150")),
        ("out", "灰渣", Decimal("30")),
    ]
    # Edited: a row cleared is a flow removed, a changed one changed.
    prefix = f"balance-{balance.pk}"
    edit = {f"{prefix}-{k.removeprefix('new-balance-')}": v for k, v in fields.items()}
    rows = grid(prefix, [("in", "煤", "1180"), ("out", "蒸汽", "1150"), ("out", "", "")])
    edited = client.post(f"{url}{balance.pk}/", edit | rows)
    assert edited.status_code == 302, edited.context["form"].errors
    assert list(balance.flows.values_list("name", "quantity")) == [
        ("煤", Decimal("1180")),
        ("蒸汽", Decimal("1150")),
    ]


# --- options --------------------------------------------------------------------------


def test_option_is_added_from_the_page(cast, client):
    audit = engaged(cast)
    login(client, cast)
    data = new_option_data() | benefit_data("new-option-benefits", {"water_t": ("120", "")})
    response = client.post(f"/audits/{audit.pk}/options/", data)
    assert response.status_code == 302
    added = Option.objects.get(audit=audit, code="N9")
    assert added.status == OptionStatus.PROPOSED
    assert [(b.indicator, b.expected) for b in added.benefits.all()] == [("water_t", 120)]
    response = client.post(f"/audits/{audit.pk}/options/", new_option_data(aspect="magic"))
    assert response.status_code == 400
    assert response.context["option_form"].errors["aspect"]
    # The same code twice: the service's refusal, on the form.
    response = client.post(f"/audits/{audit.pk}/options/", new_option_data())
    assert response.status_code == 400
    form = response.context["option_form"]
    assert form.errors.get("code") or form.non_field_errors()
    assert Option.objects.filter(audit=audit).count() == 1


def test_inline_option_edit_moves_along_the_chain(cast, client):
    audit = engaged(cast)
    opt = option(cast, audit, benefits=[{"indicator": "water_t", "expected": 100}])
    login(client, cast)
    url = f"/audits/{audit.pk}/options/{opt.pk}/"
    row = client.get(url, **HTMX)
    content = row.content.decode()
    assert content.startswith("<tr") and "<html" not in content
    select = re.search(r'<select name="option-\d+-status".*?</select>', content, re.S).group(0)
    offered = re.findall(r'value="(\w+)"', select)
    assert offered == ["proposed", "screened_out", "retained", "abandoned"]
    # htmx: the saved row comes back, with the totals and the checklist out of band.
    response = client.post(url, option_data(opt, status="retained"), **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith("<tr") and ">Retained<" in content
    assert 'id="option-totals"' in content and 'hx-swap-oob="true"' in content
    assert 'id="checklist"' in content
    opt.refresh_from_db()
    assert opt.status == OptionStatus.RETAINED
    # A plain post, from the option's own page; a screened option keeps its cost class.
    content = client.get(url).content.decode()
    assert 'data-testid="option-edit"' in content
    assert re.search(r'<select name="option-\d+-cost_class"[^>]*disabled', content)
    response = client.post(url, option_data(opt, status="implementing"))
    assert response.status_code == 302
    assert response["Location"] == f"/audits/{audit.pk}/#option-{opt.pk}"
    opt.refresh_from_db()
    response = client.post(
        url,
        option_data(
            opt,
            status="implemented",
            implemented_on="2026-11-20",
            benefits={"water_t": ("100", "90")},
        ),
    )
    assert response.status_code == 302
    opt.refresh_from_db()
    assert opt.status == OptionStatus.IMPLEMENTED
    assert opt.benefits.get().actual == 90


def test_the_discount_rate_is_entered_as_a_percentage(cast, client):
    """Issue 17 item 4: the form shows 8 for a stored 0.08; 8 typed is stored 0.08 (the
    API keeps the fraction); the table shows the figures comma-grouped."""
    audit = engaged(cast)
    opt = option(
        cast,
        audit,
        "M1",
        cost_class=CostClass.MID_HIGH,
        investment=1_200_000,
        annual_net_benefit=Decimal("300000"),
        lifetime_years=10,
        discount_rate=Decimal("0.08"),
    )
    login(client, cast)
    url = f"/audits/{audit.pk}/options/{opt.pk}/"
    content = client.get(url).content.decode()
    field = re.search(r'<input[^>]*name="option-\d+-discount_rate"[^>]*>', content).group(0)
    assert 'value="8"' in field
    assert "Discount rate (%)" in content
    response = client.post(url, option_data(opt, discount_rate="6.5"))
    assert response.status_code == 302
    opt.refresh_from_db()
    assert opt.discount_rate == Decimal("0.0650")
    row = re.search(r'data-option="M1">(.*?)</tr>', page(client, audit), re.S).group(1)
    cells = re.findall(r'<td class="num">(.*?)</td>', row)
    # Investment and NPV in whole yuan; payback to a tenth of a year; IRR in per cent.
    assert cells[0] == "1,200,000"
    assert re.fullmatch(r"\d+\.\d", cells[1])
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", cells[2])
    assert re.fullmatch(r"\d+\.\d", cells[3])


def test_inline_option_edit_refuses_a_wrong_move(cast, client):
    audit = engaged(cast)
    opt = option(cast, audit)
    login(client, cast)
    url = f"/audits/{audit.pk}/options/{opt.pk}/"
    response = client.post(url, option_data(opt, status="implemented"), **HTMX)
    assert response.status_code == 400
    assert response.content.decode().startswith("<tr")
    assert response.context["form"].errors["status"] == [
        "An option that is “Proposed” cannot become “Implemented”."
    ]
    response = client.post(url, option_data(opt, status="screened_out"))
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Give the reason."]
    assert "<html" in response.content.decode()  # the option's page, with the errors
    opt.refresh_from_db()
    assert opt.status == OptionStatus.PROPOSED
    response = client.post(
        url, option_data(opt, status="screened_out", reason="Already done last year")
    )
    assert response.status_code == 302
    opt.refresh_from_db()
    assert opt.status == OptionStatus.SCREENED_OUT
    # A closed option offers only its own status.
    content = client.get(url, **HTMX).content.decode()
    select = re.search(r'<select name="option-\d+-status".*?</select>', content, re.S).group(0)
    assert re.findall(r'value="(\w+)"', select) == ["screened_out"]


def test_option_table_rows_warnings_and_totals(cast, client):
    audit = engaged(cast)
    option(
        cast,
        audit,
        "N1",
        investment=Decimal("1000.00"),
        benefits=[
            {"indicator": "water_t", "expected": 10, "actual": 8},
            {"indicator": "cod_t", "expected": Decimal("1.5")},
        ],
    )
    # above the national 100,000 yuan limit for a no/low-cost option
    option(
        cast,
        audit,
        "N2",
        investment=Decimal("250000.50"),
        benefits=[
            {"indicator": "water_t", "expected": 5},
            {"indicator": "economic_yuan", "expected": 30000, "actual": 25000},
        ],
    )
    option(
        cast,
        audit,
        "M1",
        cost_class=CostClass.MID_HIGH,
        investment=0,
        annual_net_benefit=Decimal("50000"),
        lifetime_years=10,
        discount_rate=Decimal("0.08"),
    )
    response = login(client, cast, "province_officer").get(f"/audits/{audit.pk}/")
    totals = response.context["totals"]
    assert totals["investment"] == Decimal("251000.50")
    assert {row["indicator"]: (row["expected"], row["actual"]) for row in totals["benefits"]} == {
        "water_t": (15, 8),
        "cod_t": (Decimal("1.5"), None),
        "economic_yuan": (30000, 25000),
    }
    content = response.content.decode()
    foot = re.search(r'data-testid="option-totals">(.*?)</tfoot>', content, re.S).group(1)
    # Yuan in the English UI: comma-grouped, whole yuan.
    assert 'data-testid="total-investment">251,001<' in foot
    assert 'data-indicator="water_t" data-expected="15' in foot
    assert 'data-indicator="water_t" data-actual="8' in foot
    warnings = re.findall(r'data-testid="cost-class-warning">(.*?)</div>', content, re.S)
    assert len(warnings) == 2  # N2 too expensive, M1 too cheap
    assert any("100,000" in w for w in warnings)
    assert "Investment (yuan)" in content
    # The switch to 万元 is kept in the session: 251,000.50 yuan read as 25.10.
    content = client.get(f"/audits/{audit.pk}/?money=wan").content.decode()
    assert 'data-testid="total-investment">25.10<' in content
    assert "Investment (10,000 yuan)" in content
    assert 'data-money="wan" aria-current="true"' in content
    content = client.get(f"/audits/{audit.pk}/").content.decode()
    assert 'data-testid="total-investment">25.10<' in content


def test_bulk_paste_creates_options(cast, client):
    audit = engaged(cast)
    login(client, cast)
    text = (
        "code\ttitle\taspect\tcost_class\tinvestment\tdescription\n"
        "B1\tLED lighting\tequipment\tno_low\t8,000\tWorkshop 2\n"
        "B2\tWhite water recovery\ttechnology\tmid_high\t1200000\t\n"
    )
    response = client.post(f"/audits/{audit.pk}/options/bulk/", {"text": text}, follow=True)
    assert response.redirect_chain == [(f"/audits/{audit.pk}/#options", 302)]
    assert "2 options were added." in response.content.decode()
    assert list(audit.options.values_list("code", "investment")) == [
        ("B1", Decimal("8000.00")),
        ("B2", Decimal("1200000.00")),
    ]


def test_bulk_paste_shows_the_row_errors_in_place(cast, client):
    audit = engaged(cast)
    option(cast, audit, "B1")
    login(client, cast)
    text = (
        "B1\tLED lighting\tequipment\tno_low\t8000\n"
        "B3\t\tmagic\tno_low\tlots\n"
        "B4\tInsulation\tequipment\tno_low\t3000\n"
    )
    response = client.post(f"/audits/{audit.pk}/options/bulk/", {"text": text})
    assert response.status_code == 400
    content = response.content.decode()
    rows = re.search(r'data-testid="bulk-rows">(.*?)</table>', content, re.S).group(1)
    assert "The code B1 is already used." in rows
    assert "The title is missing." in rows and "Unknown aspect “magic”." in rows
    assert "Not an amount: “lots”." in rows
    assert 'data-row="3">' in rows  # the good row is shown too, unmarked
    assert re.search(r"<textarea[^>]*>\s*B1\tLED lighting", content)  # kept for correcting
    assert list(audit.options.values_list("code", flat=True)) == ["B1"]
    # htmx swaps just the paste section.
    response = client.post(f"/audits/{audit.pk}/options/bulk/", {"text": " "}, **HTMX)
    assert response.status_code == 400
    assert response.content.decode().startswith('<div id="bulk-options"')


def test_ticked_options_move_together(cast, client):
    """Issue 17: screen five at once; the page says how many moved and to what."""
    audit = engaged(cast)
    chosen = [option(cast, audit, f"N{n}") for n in range(1, 6)]
    kept = option(cast, audit, "N6")
    login(client, cast)
    content = page(client, audit)
    assert 'data-testid="move-form"' in content
    assert content.count('form="options-move"') == 6  # a box on each option's row
    response = client.post(
        f"/audits/{audit.pk}/options/move/",
        {"options": [o.pk for o in chosen], "status": "retained"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/audits/{audit.pk}/#options", 302)]
    assert "5 options moved to “Retained”." in response.content.decode()
    assert sorted(audit.options.filter(status="retained").values_list("code", flat=True)) == [
        "N1",
        "N2",
        "N3",
        "N4",
        "N5",
    ]
    assert Option.objects.get(pk=kept.pk).status == OptionStatus.PROPOSED


def test_a_refused_move_moves_nothing_and_names_the_option(cast, client):
    audit = engaged(cast)
    first, second = option(cast, audit, "N1"), option(cast, audit, "N2", title="Steam traps")
    services.option_save(
        actor=cast.user("consultant"), audit=audit, option=first, status="retained"
    )
    login(client, cast)
    url = f"/audits/{audit.pk}/options/move/"
    response = client.post(url, {"options": [first.pk, second.pk], "status": "implementing"})
    assert response.status_code == 400
    content = response.content.decode()
    errors = re.search(r'data-testid="move-errors">(.*?)</div>', content, re.S).group(1)
    assert "Nothing was moved." in errors
    assert "N2 “Steam traps” cannot move:" in errors and "N1" not in errors
    assert "An option that is “Proposed” cannot become “Implementing”." in errors
    assert set(audit.options.values_list("code", "status")) == {
        ("N1", "retained"),
        ("N2", "proposed"),
    }
    # The ticks stay for correcting.
    assert re.search(rf'value="{second.pk}" form="options-move"[^>]*checked', content, re.S)
    # Nothing ticked, a reason missing, an option of another audit: form errors, not 500.
    response = client.post(url, {"status": "retained"})
    assert response.status_code == 400
    assert "Choose the options to move." in response.content.decode()
    response = client.post(url, {"options": [second.pk], "status": "screened_out"})
    assert response.status_code == 400
    assert "N2 “Steam traps” cannot move: Give the reason." in response.content.decode()
    response = client.post(
        url, {"options": [second.pk], "status": "screened_out", "reason": "Too costly"}
    )
    assert response.status_code == 302
    assert Option.objects.get(pk=second.pk).reason == "Too costly"
    response = client.post(url, {"options": ["99999"], "status": "retained"})
    assert response.status_code == 400
    assert response.context["move_form"].errors["options"]


# --- documents and comments -----------------------------------------------------------


def test_document_upload_checks_the_content(cast, client):
    audit = engaged(cast)
    opt = option(cast, audit)
    login(client, cast)
    url = f"/audits/{audit.pk}/documents/"
    response = client.post(
        url,
        {"kind": "audit_report", "title": "Report", "file": pdf(b"MZ\x90\x00 not a pdf at all")},
    )
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"] == [
        "Only PDF, PNG, JPEG, XLSX and DOCX files are accepted (checked by content)."
    ]
    assert not Document.objects.exists()
    response = client.post(
        url,
        {"kind": "evidence", "title": "", "option": opt.pk, "file": pdf(name="meter-photo.pdf")},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.option, document.uploaded_by) == (
        "meter-photo.pdf",
        opt,
        cast.user("consultant"),
    )
    content = page(client, audit)
    assert f'href="/api/v1/documents/{document.pk}/download/"' in content
    assert document.sha256[:12] in content
    assert client.post(f"{url}{document.pk}/delete/").status_code == 302
    assert not Document.objects.exists()


def test_authority_reads_without_edit_forms_and_comments(cast, client):
    audit = move(cast, engaged(cast), AuditState.PLANNING)
    opt = option(cast, audit)
    target = services.target_save(
        actor=cast.user("consultant"), audit=audit, indicator="COD", unit="mg/L"
    )
    login(client, cast, "city_officer")
    content = page(client, audit)
    assert 'data-testid="read-only"' in content
    for fragment in (
        "/transition/",
        "/update/",
        "/targets/",
        "/balances/",
        "/options/",
        "/documents/",
        "hx-get",
        "hx-post",
        'data-testid="transition-button"',
    ):
        assert fragment not in content, fragment
    assert opt.code in content and target.indicator in content
    assert 'data-testid="comment-form"' in content
    response = client.post(
        f"/audits/{audit.pk}/comments/", {"text": "Please send the work plan."}, follow=True
    )
    assert response.redirect_chain == [(f"/audits/{audit.pk}/#comments", 302)]
    comment = AuditComment.objects.get()
    assert comment.author == cast.user("city_officer")
    assert "Please send the work plan." in response.content.decode()
    response = client.post(f"/audits/{audit.pk}/comments/", {"text": "  "})
    assert response.status_code == 400 and response.context["comment_form"].errors["text"]
    # Their download links remain.
    services.document_upload(
        actor=cast.user("consultant"), audit=audit, kind="evidence", title="Meter", file=pdf()
    )
    assert "/api/v1/documents/" in page(client, audit)


def test_frozen_audit_shows_no_edit_forms_to_its_workers(cast, client):
    audit = engaged(cast)
    Audit.objects.filter(pk=audit.pk).update(state=AuditState.UNDER_ASSESSMENT)
    login(client, cast)
    content = page(client, audit)
    assert "its content cannot be changed now" in content
    assert 'data-testid="option-form"' not in content
    assert 'data-testid="document-form"' in content  # evidence may still come in
    response = client.post(f"/audits/{audit.pk}/update/", {"section": "focus", "focus": "x"})
    assert response.status_code == 409
    assert "The audit cannot be changed now." in response.content.decode()
    checklist = re.search(r'data-testid="checklist">(.*?)</section>', content, re.S).group(1)
    assert "Only the conclusion of the" in checklist and "transition-button" not in checklist


def test_out_of_scope_children_are_not_found(cast, client):
    audit = engaged(cast)
    other = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    opt = option(cast, audit)
    login(client, cast, "admin")
    # The option of one audit is not reached through another.
    assert client.get(f"/audits/{other.pk}/options/{opt.pk}/").status_code == 404


# --- query counts ---------------------------------------------------------------------


def test_detail_page_queries_do_not_grow_with_options(cast, client):
    audit = engaged(cast)
    services.target_save(actor=cast.user("consultant"), audit=audit, indicator="COD", unit="mg/L")
    services.balance_save(
        actor=cast.user("consultant"),
        audit=audit,
        kind="water",
        title="Water",
        unit="t/d",
        flows=[{"direction": "in", "name": "Fresh", "quantity": 10}],
    )
    services.document_upload(
        actor=cast.user("consultant"), audit=audit, kind="evidence", title="Meter", file=pdf()
    )
    services.comment_add(actor=cast.user("province_officer"), audit=audit, text="Go on")
    codes = (f"O{n:03d}" for n in itertools.count(1))

    def grow(n):
        for _ in range(n):
            option(
                cast,
                audit,
                next(codes),
                benefits=[
                    {"indicator": "water_t", "expected": 10, "actual": 8},
                    {"indicator": "cod_t", "expected": 1},
                ],
            )

    login(client, cast)
    queries = assert_constant_queries(
        lambda: client.get(f"/audits/{audit.pk}/"), grow, few=5, many=200
    )
    assert audit.options.count() == 200
    response = client.get(f"/audits/{audit.pk}/")
    assert response.content.decode().count('data-option="O') == 200
    print(f"\naudit page with 200 options: {queries} queries")
    assert queries <= 30
    # The authority's view of the same page.
    login(client, cast, "province_officer")
    assert count_queries(lambda: client.get(f"/audits/{audit.pk}/")) <= queries


def test_pages_render_in_chinese(cast, client):
    audit = engaged(cast)
    option(cast, audit)
    login(client, cast)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/audits/"})
    for url in ("/audits/", f"/audits/{audit.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in response.content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("Phase checklist") != "Phase checklist"
        assert translation.gettext("Phase checklist") in response.content.decode()


def test_bulk_paste_names_a_column_without_heading_in_its_row(cast, client):
    audit = engaged(cast)
    login(client, cast)
    text = "B1\tLED lighting\tequipment\tno_low\t8000\tWorkshop 2\t3 years\n"
    response = client.post(f"/audits/{audit.pk}/options/bulk/", {"text": text})
    assert response.status_code == 400
    content = response.content.decode()
    rows = re.search(r'data-testid="bulk-rows">(.*?)</table>', content, re.S).group(1)
    assert "<th><code>columns</code></th>" in rows
    assert 'data-field="columns">Column 7 (“3 years”) has no heading' in rows
    assert not audit.options.exists()
    # Headed, the economics and a benefit go in, and the page shows them.
    text = "code\ttitle\taspect\tcost_class\tinvestment\tannual saving\tlifetime\tWater\n"
    text += "B1\tLED lighting\tequipment\tno_low\t8000\t4000\t8\t120\n"
    response = client.post(f"/audits/{audit.pk}/options/bulk/", {"text": text}, follow=True)
    assert "1 option was added." in response.content.decode()
    option = audit.options.get()
    assert option.payback_years == 2 and option.benefits.get().expected == 120
