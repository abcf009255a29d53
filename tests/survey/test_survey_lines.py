"""One line of the status survey's grid changed or added in place (issue 18, item 1:
the grid was edited only by pasting it again): `POST /audits/{id}/survey/lines/{line}/`
and `…/lines/`. Each role allowed, forbidden or out of scope; bad input a 400 with the
field named and nothing written; a frozen audit a 409; who, when and why kept."""

from decimal import Decimal

import pytest

from audits.choices import AuditState
from survey.models import SurveyLine
from tests.support.audits import CLEAN_SURVEY, bring_to, engaged_audit, reads, survey, writes
from tests.support.matrix import RoleMatrix, count_queries

pytestmark = pytest.mark.django_db


def _build(cast):
    audit = bring_to(cast, engaged_audit(cast), "pre_assessment")
    survey(cast, audit)
    return {"audit": audit, "line": audit.survey.lines.get(category="water")}


def post_line(client, audit, line=None, **changes):
    data = {
        "line-category": "water",
        "line-name": "Fresh water",
        "line-unit": "t",
        "line-value_1": "600000",
        "line-value_2": "612,000",
        "line-value_3": "",
        "line-line_reason": "",
        "line-reason": "Meter reading corrected",
    }
    data |= {f"line-{key}": value for key, value in changes.items()}
    url = f"/audits/{audit.pk}/survey/lines/" + (f"{line.pk}/" if line else "")
    return client.post(url, data)


class TestSurveyLineRoles(RoleMatrix):
    api = False
    build = staticmethod(_build)
    matrix = {
        "change": writes(302) | {"anonymous": 302},
        "add": writes(302) | {"anonymous": 302},
        # Every reader sees the page; only who may edit gets the line's form (below).
        "edit_page": reads() | {"anonymous": 302},
    }

    def request(self, action, client, cast):
        audit, line = self.world.audit, self.world.line
        return {
            "change": lambda: post_line(client, audit, line),
            "add": lambda: post_line(client, audit, name="Recycled water"),
            "edit_page": lambda: client.get(f"/audits/{audit.pk}/survey/?edit={line.pk}"),
        }[action]()


@pytest.fixture
def world(cast):
    return _build(cast)


def test_changing_one_line_keeps_the_others_and_records_who_and_why(cast, client, world):
    audit, line = world["audit"], world["line"]
    others = list(
        audit.survey.lines.exclude(pk=line.pk).values_list("pk", "name", "value_1", "value_2")
    )
    client.force_login(cast.user("enterprise_user"))
    page = client.get(f"/audits/{audit.pk}/survey/?edit={line.pk}").content.decode()
    assert 'data-testid="line-edit"' in page and 'form="line-form"' in page
    response = post_line(client, audit, line, value_2="612,000", value_3="")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#line-{line.pk}")
    line.refresh_from_db()
    assert (line.name, line.value_2, line.value_3) == ("Fresh water", 612000, None)
    assert (
        list(audit.survey.lines.exclude(pk=line.pk).values_list("pk", "name", "value_1", "value_2"))
        == others
    )
    audit.survey.refresh_from_db()
    assert audit.survey.updated_by == cast.user("enterprise_user")
    assert audit.survey.reason == "Meter reading corrected"


def test_adding_a_line_puts_it_last_and_converts_energy(cast, client, world):
    audit = world["audit"]
    count = audit.survey.lines.count()
    client.force_login(cast.user("consultant"))
    response = post_line(
        client, audit, category="energy", name="柴油", unit="t", value_1="10", value_2="10"
    )
    assert response.status_code == 302
    added = audit.survey.lines.order_by("-position").first()
    assert audit.survey.lines.count() == count + 1
    assert (added.carrier, added.tce_factor) == ("diesel", Decimal("1.4571"))


def test_a_bad_cell_is_a_400_naming_the_field_and_nothing_changes(cast, client, world):
    audit, line = world["audit"], world["line"]
    before = SurveyLine.objects.get(pk=line.pk).value_2
    client.force_login(cast.user("consultant"))
    response = post_line(client, audit, line, value_2="many", reason="")
    assert response.status_code == 400
    # The form's own check first: the reason is required.
    assert list(response.context["line_form"].errors) == ["reason"]
    response = post_line(client, audit, line, value_2="many")
    assert response.status_code == 400
    assert response.context["line_form"].errors["value_2"] == ["Not a number."]
    response = post_line(client, audit, line, category="energy", name="Magic", unit="t")
    assert response.status_code == 400
    assert response.context["line_form"].non_field_errors()
    assert SurveyLine.objects.get(pk=line.pk).value_2 == before


def test_a_line_of_another_audit_is_404_and_a_frozen_audit_409(cast, client, world):
    audit, line = world["audit"], world["line"]
    client.force_login(cast.user("consultant"))
    assert post_line(client, audit, SurveyLine(pk=line.pk + 10_000)).status_code == 404
    bring_to(cast, audit, AuditState.UNDER_ASSESSMENT)
    assert post_line(client, audit, line).status_code == 409


def test_the_edit_page_reads_in_constant_queries(cast, client, world):
    audit, line = world["audit"], world["line"]
    client.force_login(cast.user("consultant"))
    url = f"/audits/{audit.pk}/survey/?edit={line.pk}"
    few = count_queries(lambda: client.get(url))
    survey(cast, audit, lines=CLEAN_SURVEY * 6)
    line = audit.survey.lines.get(position=2)
    many = count_queries(lambda: client.get(f"/audits/{audit.pk}/survey/?edit={line.pk}"))
    assert few == many


def test_a_reader_who_may_not_edit_gets_no_line_form(cast, client, world):
    audit, line = world["audit"], world["line"]
    client.force_login(cast.user("province_officer"))
    page = client.get(f"/audits/{audit.pk}/survey/?edit={line.pk}").content.decode()
    assert 'data-testid="survey-grid"' in page
    assert 'data-testid="line-edit"' not in page and 'data-testid="edit-line"' not in page
