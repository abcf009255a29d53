"""A page of a long list read in two steps: first the page's ids, in the list's order
(the walk past the earlier pages reads the index that serves the scope and the order,
not the joined rows), then those rows with their joins and annotations (issue 13: at
page 50 of a province's 30,000 audits, the offset no longer joins 2,450 rows only to
skip them). The same rows in the same order as one query with OFFSET, for a queryset
of distinct rows (no `distinct()` needed) in a total order (ending with the id)."""

from django.core.paginator import Page, Paginator


class IdsFirstPaginator(Paginator):
    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
        return self._get_page([found[pk] for pk in ids], number, self)
