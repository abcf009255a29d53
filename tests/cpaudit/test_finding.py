"""Finding things (issue 17, item 7): audits and review rounds by the enterprise's name
or credit code; industry filters that offer the industries present in scope."""

import re

from tests.support.dashboards import late_list
from tests.support.reviews import submitted


def _audit_rows(client, query) -> set[str]:
    response = client.get(f"/audits/?{query}")
    assert response.status_code == 200
    return set(re.findall(r'<tr data-audit="(\d+)">', response.content.decode()))


def test_audits_are_found_by_name_or_credit_code(cast, client):
    nanjing, suzhou = late_list(cast)
    client.force_login(cast.user("province_officer"))
    assert _audit_rows(client, "search=jinling") == {str(nanjing.pk)}
    code = cast.suzhou_enterprise.credit_code
    assert _audit_rows(client, f"search={code[:6].lower()}") == {str(suzhou.pk)}
    assert _audit_rows(client, "search=") == {str(nanjing.pk), str(suzhou.pk)}
    # Outside the scope, a name finds nothing.
    client.force_login(cast.user("city_officer"))
    assert _audit_rows(client, "search=wujiang") == set()


def test_reviews_are_found_by_name_or_credit_code(cast, client):
    review = submitted(cast)
    client.force_login(cast.user("province_officer"))

    def rows(query):
        content = client.get(f"/reviews/?{query}").content.decode()
        return re.findall(r'data-review="(\d+)"', content)

    assert rows("search=Jinling") == [str(review.pk)]
    assert rows(f"search={cast.enterprise.credit_code}") == [str(review.pk)]
    assert rows("search=Wujiang") == []


def test_industry_filters_offer_the_industries_in_scope(cast, client):
    late_list(cast)
    client.force_login(cast.user("city_officer"))
    content = client.get("/audits/").content.decode()
    industry = re.search(r'<select name="industry".*?</select>', content, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', industry) == ["22"]
    client.force_login(cast.user("province_officer"))
    content = client.get("/enterprises/").content.decode()
    industry = re.search(r'<select name="industry".*?</select>', content, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', industry) == ["17", "22"]
