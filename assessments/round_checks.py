"""What each round raised (its signal kinds) and the CP level it reached, kept in
`RoundCheck` / `RaisedSignal` for the statistics (issue 18, the province view).

Why stored: a round's signals take a dozen queries to compute (the report's text is
compared with every other report of the firm), so counting them per firm and city by
recomputing every round in a province would cost a query storm per page; counted from
these rows, the statistics are one aggregate query whatever the number of rounds.

When written: at conclusion, from the snapshot (never again: what was judged); for an
open round, whenever its signals or CP level are computed to be shown (its page, the
API), and only when they changed (one read otherwise); `manage.py record_round_checks`
refreshes every open round (after a change of the rules, or nightly) and fills any
round without a row. Migration 0008 filled the concluded rounds from their snapshots."""

from django.db import transaction
from django.utils import timezone

from .models import RaisedSignal, RoundCheck


def signal_codes(signals: list[dict]) -> list[str]:
    return sorted({signal["code"] for signal in signals})


def grade_fields(cp_level: dict | None) -> dict:
    """The scheme and the grades before and after of a `cp_level` (None: no system)."""
    if not cp_level:
        return {"grades": None, "grade_before": None, "grade_after": None}
    return {
        "grades": cp_level.get("grades"),
        "grade_before": (cp_level.get("before") or {}).get("grade"),
        "grade_after": (cp_level.get("after") or {}).get("grade"),
    }


def _current(review) -> RoundCheck | None:
    """The round's row, read once per request (kept on the instance)."""
    if not hasattr(review, "_round_check"):
        review._round_check = RoundCheck.objects.filter(review_id=review.pk).first()
    return review._round_check


def _upsert(review, fields: dict) -> None:
    # INSERT … ON CONFLICT DO UPDATE: two requests showing the same round at once agree.
    RoundCheck.objects.bulk_create(
        [RoundCheck(review_id=review.pk, **fields)],
        update_conflicts=True,
        unique_fields=["review"],
        update_fields=list(fields),
    )
    review._round_check = RoundCheck.objects.get(review_id=review.pk)


@transaction.atomic
def record_signals(review, signals: list[dict]) -> None:
    codes = signal_codes(signals)
    check = _current(review)
    if check is not None and check.signals_at is not None and check.signal_codes == codes:
        return
    _upsert(review, {"signals_at": timezone.now(), "signal_codes": codes})
    RaisedSignal.objects.filter(review_id=review.pk).exclude(code__in=codes).delete()
    RaisedSignal.objects.bulk_create(
        [RaisedSignal(review_id=review.pk, code=code) for code in codes], ignore_conflicts=True
    )


@transaction.atomic
def record_cp_level(review, cp_level: dict | None) -> None:
    fields = grade_fields(cp_level)
    check = _current(review)
    if (
        check is not None
        and check.cp_level_at is not None
        and all(getattr(check, key) == value for key, value in fields.items())
    ):
        return
    _upsert(review, {"cp_level_at": timezone.now(), **fields})


def record_snapshot(review) -> None:
    """A concluded round's signals and CP level as its snapshot keeps them."""
    snapshot = review.snapshot or {}
    record_signals(review, snapshot.get("signals") or [])
    record_cp_level(review, snapshot.get("cp_level"))
