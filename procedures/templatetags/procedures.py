"""What the key-list page (audits) shows of the cities' proposals, without audits'
code knowing of them: `{% load procedures %}{% proposal_counts key_list user %}`."""

from django import template

from procedures.selectors import proposal_counts_by_city

register = template.Library()


@register.inclusion_tag("procedures/_proposal_counts.html")
def proposal_counts(key_list, user):
    return {"key_list": key_list, "rows": proposal_counts_by_city(key_list, user)}
