"""The survey app's endpoints and pages (issue 18): each role allowed, forbidden or out
of scope; the survey entered as lines or pasted; bad input a 400 with nothing written;
the phase-2 guard; monitoring imports; the CP level evaluation; query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import workflow
from survey.models import EvaluationSystem, MonitoringImport, Survey
from tests.support.audits import (
    CLEAN_SURVEY,
    LISTS,
    bring_to,
    engaged_audit,
    reads,
    survey,
    writes,
)
from tests.support.matrix import RoleMatrix, api_client, count_queries

pytestmark = pytest.mark.django_db

PASTE = (
    "类别\t名称\t单位\t2023\t2024\t2025\n"
    "产品\t文化纸\tt\t10,000\t10,200\t10,400\n"
    "水\t新鲜水\tm3\t600000\t612000\t624000\n"
    "能源\t电力\t万kWh\t500\t510\t520\n"
    "能源\t原煤\tt\t3000\t3000\t3100\t换热改造\n"
    "污染物\tCOD\tt\t40\t40.8\t41.6\n"
)


def csv_file(text, name="online.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _build(cast):
    audit = engaged_audit(cast)
    bring_to(cast, audit, "pre_assessment")
    return {"audit": audit, "system": EvaluationSystem.objects.get(industry_code="3360")}


class TestSurveyApiRoles(RoleMatrix):
    build = staticmethod(_build)
    matrix = {
        "survey": reads(),
        "save": writes(),
        "monitoring": reads(),
        # The authority in scope imports its own online monitoring figures.
        "import": writes(201)
        | {"province_officer": 201, "city_officer": 201, "other_province_officer": 404},
        "evaluation": reads(),
        "evaluate": writes(),
        "systems": LISTS | {"other_province_officer": 200},
        "import_system": {role: 403 for role in LISTS} | {"admin": 201, "anonymous": 401},
    }

    def request(self, action, client, cast):
        base = f"/api/v1/audits/{self.world.audit.pk}/"
        system = self.world.system
        return {
            "survey": lambda: client.get(f"{base}survey/"),
            "save": lambda: client.put(f"{base}survey/", {"lines": CLEAN_SURVEY}, format="json"),
            "monitoring": lambda: client.get(f"{base}monitoring/"),
            "import": lambda: client.post(
                f"{base}monitoring/",
                {
                    "source": "online",
                    "file": csv_file("pollutant,year,quantity,unit\nCOD,2025,40,t\n"),
                },
                format="multipart",
            ),
            "evaluation": lambda: client.get(f"{base}evaluation/"),
            "evaluate": lambda: client.put(
                f"{base}evaluation/",
                {"system": system.pk, "values": [{"indicator": "5", "before": "30", "after": "7"}]},
                format="json",
            ),
            "systems": lambda: client.get("/api/v1/evaluation-systems/"),
            "import_system": lambda: client.post(
                "/api/v1/evaluation-systems/import/",
                {
                    "file": csv_file(
                        "category,category_weight,code,indicator,unit,weight,direction,"
                        "level_1,level_2,level_3,limiting\n"
                        "Energy,1,e,Energy per tonne,tce/t,1,lower,0.3,0.4,0.5,yes\n",
                        "system.csv",
                    ),
                    "industry_code": "22",
                    "title": "Paper",
                    "version": "2015",
                    "grades": 3,
                    "score_1": "85",
                    "score_2": "85",
                    "score_3": "100",
                    "source": "A test",
                },
                format="multipart",
            ),
        }[action]()


class TestSurveyPageRoles(RoleMatrix):
    api = False
    build = staticmethod(_build)
    matrix = {
        "page": reads() | {"anonymous": 302},
        "paste": writes(302) | {"anonymous": 302},
        "evaluate": writes(302) | {"anonymous": 302},
    }

    def request(self, action, client, cast):
        base = f"/audits/{self.world.audit.pk}/survey/"
        return {
            "page": lambda: client.get(base),
            "paste": lambda: client.post(f"{base}paste/", {"table": PASTE}),
            "evaluate": lambda: client.post(f"{base}evaluation/", {"system": self.world.system.pk}),
        }[action]()


@pytest.fixture
def audit(cast):
    audit = engaged_audit(cast)
    return bring_to(cast, audit, "pre_assessment")


def test_a_pasted_table_sets_the_years_and_converts_energy_to_tce(cast, audit):
    client = api_client(cast.user("consultant"))
    response = client.put(f"/api/v1/audits/{audit.pk}/survey/", {"table": PASTE}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["years"] == [2023, 2024, 2025]
    lines = response.data["lines"]
    assert [(line["category"], line["name"]) for line in lines] == [
        ("output", "文化纸"),
        ("water", "新鲜水"),
        ("energy", "电力"),
        ("energy", "原煤"),
        ("pollutant", "COD"),
    ]
    assert lines[0]["values"] == ["10000", "10200", "10400"]
    # 10⁴ kWh at 0.1229 kgce/kWh: 1.229 tce; raw coal 0.7143 tce/t (GB/T 2589-2020).
    assert lines[2]["carrier"] == "electricity" and lines[2]["tce"][0] == "614.5"
    assert lines[3]["carrier"] == "raw_coal" and lines[3]["tce"][2] == "2214.33"
    assert lines[3]["reason"] == "换热改造"
    assert Survey.objects.get(audit=audit).updated_by == cast.user("consultant")


def test_bad_rows_are_a_400_naming_each_and_nothing_is_written(cast, audit):
    survey(cast, audit)
    bad = PASTE.replace("10,200", "ten") + "垃圾\tX\tt\t1\t2\t3\n" + "能源\t木柴\tt\t1\t1\t1\n"
    response = api_client(cast.user("consultant")).put(
        f"/api/v1/audits/{audit.pk}/survey/", {"table": bad}, format="json"
    )
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.data["errors"]] == [
        (2, "values[1]"),
        (7, "category"),
        (8, "carrier"),
    ]
    # The survey saved before is as it was.
    assert Survey.objects.get(audit=audit).lines.count() == len(CLEAN_SURVEY)


def test_phase_2_asks_for_the_three_years_of_output_energy_and_water(cast, audit):
    def unmet():
        move = workflow.available_transitions(audit)[0]
        return [u for u in move["unmet"] if "survey" in u]

    assert unmet() == [
        "Record the status survey: output, raw materials, water, energy and emissions of "
        "the three years before the audit."
    ]
    lines = [dict(line) for line in CLEAN_SURVEY]
    lines[1] = lines[1] | {"values": [600000, None, None]}
    survey(cast, audit, lines=[line for line in lines if line["category"] != "energy"])
    years = audit.survey.years
    assert unmet() == [
        "The status survey has no energy figure for " + ", ".join(str(y) for y in years) + ".",
        f"The status survey has no water figure for {years[1]}, {years[2]}.",
    ]
    survey(cast, audit)
    assert unmet() == []


def test_the_evaluation_asks_for_the_limiting_values_before_and_computes_the_grades(cast, audit):
    survey(cast, audit)
    system = EvaluationSystem.objects.get(industry_code="3360")
    client = api_client(cast.user("consultant"))
    url = f"/api/v1/audits/{audit.pk}/evaluation/"
    assert client.get(url).data is None
    response = client.put(
        url,
        {"system": system.pk, "values": [{"indicator": "6", "before": "78", "after": "85"}]},
        format="json",
    )
    assert response.status_code == 200
    move = workflow.available_transitions(audit)[0]
    assert (
        "Record the value before the audit of the limiting indicators: 单位产品每次清洗取水量."
        in move["unmet"]
    )
    values = [{"indicator": c, "before": "1", "after": "1"} for c in ("1", "2", "3", "4")]
    values += [
        {"indicator": "5", "before": "30", "after": "7"},
        {"indicator": "6", "before": "78", "after": "85"},
    ]
    response = client.put(url, {"system": system.pk, "values": values}, format="json")
    assert response.data["before"]["grade"] == 3 and response.data["after"]["grade"] == 1
    evaluation = audit.evaluation
    evaluation.refresh_from_db()
    assert (evaluation.grade_before, evaluation.grade_after) == (3, 1)
    bad = client.put(
        url,
        {"system": system.pk, "values": [{"indicator": "1", "before": "4"}, {"indicator": "99"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert [(e["row"], e["field"]) for e in bad.data["errors"]] == [(1, "before"), (2, "indicator")]
    evaluation.refresh_from_db()
    assert evaluation.grade_after == 1  # nothing written


def test_a_monitoring_export_is_summed_per_year_and_bad_rows_refused(cast, audit):
    client = api_client(cast.user("province_officer"))
    url = f"/api/v1/audits/{audit.pk}/monitoring/"
    text = (
        "监测因子,日期,排放量,单位\n"
        "COD,2025-01-31,1.5,t\nCOD,2025-02-28,2.5,t\n氨氮,2025-01-31,300,kg\n"
    )
    response = client.post(url, {"source": "online", "file": csv_file(text)}, format="multipart")
    assert response.status_code == 201, response.data
    assert [(f["pollutant"], f["year"], f["quantity"]) for f in response.data["figures"]] == [
        ("COD", 2025, "4.000000"),
        ("氨氮", 2025, "300.000000"),
    ]
    assert response.data["imported_by"] == "province_officer"
    bad = client.post(
        url,
        {"source": "online", "file": csv_file("pollutant,date,quantity,unit\nCOD,soon,x,t\n")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.data["errors"]} == {"date", "quantity"}
    assert MonitoringImport.objects.filter(audit=audit).count() == 1


def test_the_survey_page_and_api_read_in_constant_queries(cast, audit):
    client = api_client(cast.user("consultant"))
    survey(cast, audit, lines=CLEAN_SURVEY[:2])
    few = count_queries(lambda: client.get(f"/api/v1/audits/{audit.pk}/survey/"))
    survey(cast, audit, lines=CLEAN_SURVEY * 6)
    many = count_queries(lambda: client.get(f"/api/v1/audits/{audit.pk}/survey/"))
    assert few == many
    systems = count_queries(lambda: client.get("/api/v1/evaluation-systems/"))
    assert systems <= 4


def test_the_statistics_page_counts_the_grades_reached_in_scope(cast, audit, client):
    survey(cast, audit)
    system = EvaluationSystem.objects.get(industry_code="3360")
    values = [{"indicator": c, "before": "1", "after": "1"} for c in ("1", "2", "3", "4")]
    values.append({"indicator": "5", "before": "30", "after": "7"})
    api_client(cast.user("consultant")).put(
        f"/api/v1/audits/{audit.pk}/evaluation/",
        {"system": system.pk, "values": values},
        format="json",
    )
    client.force_login(cast.user("province_officer"))
    page = client.get("/statistics/").content.decode()
    assert 'data-testid="cp-levels"' in page and "Grade I (internationally leading)" in page
    client.force_login(cast.user("other_province_officer"))
    assert 'data-testid="cp-levels"' not in client.get("/statistics/").content.decode()
