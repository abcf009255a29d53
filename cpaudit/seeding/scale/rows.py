"""Rows in bulk: COPY inserts, removing a province's scale data again, and a
fingerprint of it."""

import hashlib
from collections import Counter

from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from psycopg.types.json import Jsonb

from accounts.models import Auditor, Organization
from assessments.models import (
    PanelMember,
    Review,
    Score,
    Verification,
)
from audits.models import (
    Audit,
    Document,
    Option,
    OptionBenefit,
    Target,
    TransitionLog,
)
from enterprises.models import (
    EmissionDisclosure,
    ListEntry,
)

from .pools import scale_enterprises, scale_users, shared_file_name

# --- fast inserts ----------------------------------------------------------------------


def allocate_ids(model, n: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [f'"{table}"', column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_insert(model, objects: list, batch_size: int = 5000) -> None:
    """COPY model instances into their table: the same rows `bulk_create` writes (the
    instances carry their defaults and fixed stamps; no `pre_save` runs), several times
    faster. PostgreSQL only."""
    opts = model._meta
    missing = [obj for obj in objects if obj.pk is None]
    if missing:
        for obj, pk in zip(missing, allocate_ids(model, len(missing)), strict=True):
            obj.pk = pk
    fields = list(opts.concrete_fields)
    plan = []
    for f in fields:
        if isinstance(f, models.JSONField):
            plan.append((f, "json"))
        elif isinstance(f, models.FileField):
            plan.append((f, "file"))
        elif f.is_relation:
            plan.append((f, "fk"))
        else:
            plan.append((f, None))
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor
        for start in range(0, len(objects), batch_size):
            with cursor.copy(f'COPY "{opts.db_table}" ({columns}) FROM STDIN') as copy:
                for obj in objects[start : start + batch_size]:
                    row = []
                    for f, kind in plan:
                        value = getattr(obj, f.attname)
                        if kind == "fk":
                            if value is None and f.is_cached(obj):
                                parent = f.get_cached_value(obj)
                                value = parent.pk if parent is not None else None
                        elif kind == "json":
                            value = None if value is None else Jsonb(value)
                        elif kind == "file":
                            value = value.name if value else ""
                        row.append(value)
                    copy.write_row(row)
    for obj in objects:
        obj._state.adding = False


# --- removing a province's scale data ---------------------------------------------------


def _delete_rows(queryset) -> int:
    model = queryset.model
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" IN ({sql})',
            params,
        )
        return cursor.rowcount


def purge(queryset, counts: Counter, depth: int = 0) -> None:
    """Delete the rows of `queryset` and everything that depends on them, set-based:
    what would cascade or protect is deleted first, SET_NULL references are cleared.
    The relations come from the models, so rows added by other apps (report jobs,
    notifications) go too."""
    if depth > 20:
        raise RuntimeError("purge: relations nested too deep")
    model = queryset.model
    for relation in model._meta.get_fields(include_hidden=True):
        if not (
            relation.auto_created
            and not relation.concrete
            and (relation.one_to_many or relation.one_to_one)
        ):
            continue
        fk = relation.field
        targets = queryset.values(fk.target_field.attname)
        children = relation.related_model._base_manager.filter(**{f"{fk.name}__in": targets})
        if relation.on_delete is models.SET_NULL or (relation.related_model is model and fk.null):
            # A row that refers to a row of its own table (a document's earlier version)
            # lets go of it first: following it would not end.
            children.update(**{fk.name: None})
        elif relation.on_delete is models.DO_NOTHING and not fk.db_constraint:
            continue
        else:
            purge(children, counts, depth + 1)
    deleted = _delete_rows(queryset)
    if deleted:
        counts[model._meta.label] += deleted


def _frozen(queryset, name: str):
    """The rows of `queryset` as they are now (their ids kept in a temporary table), so
    that deleting what its definition joins does not change what it selects."""
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {sql}", params)
    # Qualified: an unknown column must fail, not resolve to the outer query's id.
    return queryset.model._base_manager.filter(
        pk__in=RawSQL(f'SELECT frozen."pk" FROM {name} frozen', [])
    )


def purge_scale(province_code: str) -> Counter:
    """Everything `Seeder` made for the province: its enterprises (and their audits,
    entries, users), its users (and the lists they published), its organisations."""
    counts = Counter()
    with transaction.atomic():
        users = scale_users(province_code)
        enterprises = _frozen(scale_enterprises(province_code), "scale_purge_enterprises")
        organisations = _frozen(
            Organization.objects.filter(pk__in=users.values("organization")),
            "scale_purge_organisations",
        )
        users = _frozen(users, "scale_purge_users")
        purge(enterprises, counts)
        purge(users, counts)
        purge(organisations, counts)
    name = shared_file_name(province_code)
    if default_storage.exists(name):
        default_storage.delete(name)
    return counts


# --- a fingerprint of the data, to show that a seed gives the same rows -----------------


def fingerprint(province_code: str) -> tuple[str, dict]:
    """SHA-256 over the province's scale rows by natural keys (no ids), and the counts."""
    enterprises = scale_enterprises(province_code)
    audits = Audit.objects.filter(enterprise__in=enterprises)
    key = ("audit__enterprise__credit_code", "audit__round")
    review_key = (
        "review__audit__enterprise__credit_code",
        "review__audit__round",
        "review__kind",
        "review__round",
    )
    parts = {
        "enterprises": (
            enterprises,
            (
                "credit_code",
                "name",
                "region_id",
                "industry_id",
                "address",
                "employees",
                "annual_sales",
                "total_assets",
            ),
        ),
        "users": (
            scale_users(province_code),
            ("username", "role", "full_name", "organization__name", "enterprise__credit_code"),
        ),
        "auditors": (
            Auditor.objects.filter(organization__users__in=scale_users(province_code)).distinct(),
            ("certificate_no", "name", "level", "valid_until"),
        ),
        "entries": (
            ListEntry.objects.filter(enterprise__in=enterprises),
            (
                "enterprise__credit_code",
                "key_list__year",
                "key_list__published_on",
                "status",
                "exceeds_standards",
                "toxic_hazardous",
                "energy_intensive",
            ),
        ),
        "audits": (
            audits,
            (
                "enterprise__credit_code",
                "round",
                "state",
                "focus",
                "consultancy__name",
                "started_on",
                "start_due",
                "report_due",
                "disclosure_due",
                "acceptance_due",
                "next_round_due",
                "created_at",
                "updated_at",
            ),
        ),
        "team": (
            Audit.team.through.objects.filter(audit__in=audits),
            (*key, "auditor__certificate_no"),
        ),
        "transitions": (
            TransitionLog.objects.filter(audit__in=audits),
            (*key, "at", "from_state", "to_state", "actor__username", "comment"),
        ),
        "targets": (
            Target.objects.filter(audit__in=audits),
            (*key, "indicator", "baseline", "near_term", "long_term", "achieved"),
        ),
        "options": (
            Option.objects.filter(audit__in=audits),
            (
                *key,
                "code",
                "title",
                "aspect",
                "cost_class",
                "investment",
                "status",
                "reason",
                "implemented_on",
                "annual_net_benefit",
                "npv",
                "irr",
            ),
        ),
        "benefits": (
            OptionBenefit.objects.filter(option__audit__in=audits),
            (
                "option__audit__enterprise__credit_code",
                "option__audit__round",
                "option__code",
                "indicator",
                "expected",
                "actual",
            ),
        ),
        "documents": (
            Document.objects.filter(audit__in=audits),
            (*key, "uploaded_at", "kind", "title", "option__code"),
        ),
        "reviews": (
            Review.objects.filter(audit__in=audits),
            (
                *key,
                "kind",
                "round",
                "state",
                "result",
                "score",
                "vetoed",
                "applied_on",
                "concluded_on",
                "concluded_by__username",
                "opinion",
            ),
        ),
        "panels": (
            PanelMember.objects.filter(review__audit__in=audits),
            (*review_key, "expert__username"),
        ),
        "scores": (
            Score.objects.filter(review__audit__in=audits),
            (*review_key, "expert__username", "items", "vetoes", "total"),
        ),
        "verifications": (
            Verification.objects.filter(review__audit__in=audits),
            (*review_key, "option__code", "implemented"),
        ),
        "disclosures": (
            EmissionDisclosure.objects.filter(entry__enterprise__in=enterprises),
            (
                "entry__enterprise__credit_code",
                "entry__key_list__year",
                "legal_representative",
                "submitted_at",
            ),
        ),
    }
    digest = hashlib.sha256()
    counts = {}
    for name, (queryset, fields) in parts.items():
        n = 0
        digest.update(name.encode())
        for row in queryset.order_by(*fields).values_list(*fields).iterator(chunk_size=5000):
            digest.update(repr(row).encode())
            n += 1
        counts[name] = n
    return digest.hexdigest(), counts
