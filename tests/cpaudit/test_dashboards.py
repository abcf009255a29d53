"""The dashboards show each role its work (issue 17): the consultant's work queue and
the authority's deadline board, with its drill-down to the audit list."""

import datetime
import re

from django.utils import timezone, translation

from audits.choices import AuditState
from audits.models import Audit
from audits.selectors import QUEUE_PAGE_SIZE, deadline_board, work_queue
from tests.support.cast import enterprise
from tests.support.dashboards import days_late, late_list
from tests.support.matrix import assert_constant_queries, count_queries


def _queue_rows(content: str) -> list[str]:
    queue = re.search(r'data-testid="work-queue">(.*?)</ol>', content, re.S).group(1)
    return re.findall(r'<li class="list-group-item[^"]*" data-audit="(\d+)">', queue)


def test_work_queue_lists_the_firms_open_audits_most_urgent_first(cast, client):
    nanjing, suzhou = late_list(cast)
    today = timezone.localdate()
    client.force_login(cast.user("consultant"))
    content = client.get("/dashboard/").content.decode()
    assert _queue_rows(content) == [str(suzhou.pk), str(nanjing.pk)]
    assert "Wujiang Dyeing Co." in content and "Jinling Paper Co." in content
    late = days_late(suzhou)
    assert f"{late} days overdue" in content and "10 days left" in content
    # What the checklist still misses before the next phase.
    assert "Missing before “2 Pre-assessment”:" in content
    assert "The audit team needs at least 2 members; it has 0." in content
    assert "Ready to move on to “1 Planning and organisation”." in content

    queue = work_queue(cast.user("consultant"), today=today)
    first, second = list(queue)
    assert (first.deadline["kind"], first.deadline["days_left"]) == ("start", -late)
    assert first.deadline["overdue"] and first.deadline["days_overdue"] == late
    assert (second.deadline["kind"], second.deadline["days_left"]) == ("report", 10)
    assert second.step["to"] == AuditState.PRE_ASSESSMENT and second.step["missing"]
    # Another firm sees none of them.
    assert list(work_queue(cast.user("other_consultant"), today=today)) == []


def test_work_queue_reads_in_chinese(cast, client):
    _nanjing, suzhou = late_list(cast)
    client.force_login(cast.user("consultant"))
    content = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "待办工作" in content and "还剩 10 天" in content
    assert f"已逾期 {days_late(suzhou)} 天" in content
    assert "进入“2 预审核”前尚缺：" in content


def test_work_queue_pages_and_its_queries_do_not_grow_with_the_firm(cast, client):
    client.force_login(cast.user("consultant"))
    today = timezone.localdate()
    serial = iter(range(5000, 6000))

    def grow(n):
        for _ in range(n):
            company = enterprise("Queued Co.", "320102", "26", next(serial))
            Audit.objects.create(
                enterprise=company,
                consultancy=cast.firm,
                start_due=today + datetime.timedelta(days=next(serial) % 90),
                report_due=today + datetime.timedelta(days=400),
            )

    assert_constant_queries(
        lambda: client.get("/dashboard/"), grow, few=QUEUE_PAGE_SIZE + 2, many=40
    )
    content = client.get("/dashboard/").content.decode()
    assert len(_queue_rows(content)) == QUEUE_PAGE_SIZE and "Page 1 of 4" in content
    dates = [a.start_due for a in work_queue(cast.user("consultant"), today=today)]
    assert dates == sorted(dates)
    assert len(_queue_rows(client.get("/dashboard/?page=4").content.decode())) == 10


def _board(cast, role):
    return deadline_board(cast.user(role), today=timezone.localdate())


def _cells(board) -> dict:
    return {
        city["prefix"]: {
            kind: (overdue, soon) for kind, overdue, soon in city["cells"] if overdue or soon
        }
        for city in board["cities"]
    }


def test_deadline_board_counts_overdue_and_due_soon_by_kind_and_city(cast):
    late_list(cast)
    assert _cells(_board(cast, "province_officer")) == {
        "3201": {"report": (0, 1)},
        "3205": {"start": (1, 0)},
    }
    board = _board(cast, "province_officer")
    assert [city["name"] for city in board["cities"]] == ["Nanjing", "Suzhou"]
    assert dict((kind, (o, s)) for kind, o, s in board["totals"])["start"] == (1, 0)
    # A city officer sees the city; another province, nothing of Jiangsu's.
    assert _cells(_board(cast, "city_officer")) == {"3201": {"report": (0, 1)}}
    assert _board(cast, "other_province_officer")["cities"] == []


def test_deadline_board_drills_down_to_the_audits(cast, client):
    nanjing, suzhou = late_list(cast)
    client.force_login(cast.user("province_officer"))
    content = client.get("/dashboard/").content.decode()
    board = re.search(r'data-testid="deadline-board">(.*?)</table>', content, re.S).group(1)
    links = re.findall(r'href="(/audits/\?[^"]+)"', board)
    assert "/audits/?region=3205&amp;deadline=start_overdue" in links
    assert "/audits/?region=3201&amp;deadline=report_soon" in links
    overdue = re.search(r'data-testid="overdue-audits">(.*?)</ul>', content, re.S).group(1)
    assert "Wujiang Dyeing Co." in overdue and "Jinling Paper Co." not in overdue
    assert f"{days_late(suzhou)} days overdue" in overdue

    def listed(query) -> set[str]:
        page = client.get(f"/audits/?{query}")
        assert page.status_code == 200
        return set(re.findall(r'<tr data-audit="(\d+)">', page.content.decode()))

    assert listed("region=3205&deadline=start_overdue") == {str(suzhou.pk)}
    assert listed("region=3201&deadline=start_overdue") == set()
    assert listed("deadline=report_soon") == {str(nanjing.pk)}
    # A value the filter does not know is no error: the list is not narrowed.
    assert listed("deadline=nonsense_overdue") == {str(nanjing.pk), str(suzhou.pk)}


def test_deadline_board_reads_in_chinese(cast, client):
    late_list(cast)
    client.force_login(cast.user("province_officer"))
    content = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    board = re.search(r'data-testid="deadline-board">(.*?)</table>', content, re.S).group(1)
    assert "城市" in board and "启动审核" in board and "30 天内" in board
    assert "南京市" in board and "苏州市" in board
    with translation.override("zh-hans"):
        assert translation.gettext("Deadline board") in content


def test_deadline_board_queries_do_not_grow_with_the_audits(cast, client):
    client.force_login(cast.user("province_officer"))
    today = timezone.localdate()
    serial = iter(range(6000, 7000))
    districts = iter(["320102", "320205", "320506", "321002"] * 20)

    def grow(n):
        for _ in range(n):
            company = enterprise("Late Co.", next(districts), "26", next(serial))
            Audit.objects.create(
                enterprise=company,
                start_due=today - datetime.timedelta(days=5),
                report_due=today + datetime.timedelta(days=300),
            )

    queries = assert_constant_queries(lambda: client.get("/dashboard/"), grow)
    assert queries == count_queries(lambda: client.get("/dashboard/"))
    assert len(_board(cast, "province_officer")["cities"]) == 4
