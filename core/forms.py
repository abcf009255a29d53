"""What every app's forms share. Forms only parse input: the rules are the services',
whose errors `add_service_errors` puts back on the form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, *, fields: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: a field's message on that field (or
    where `fields` sends it: another field's name, or a callable taking the messages),
    anything else above the form."""
    fields = fields or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = fields.get(field, field)
            if callable(target):  # e.g. a formset's non_form_errors().extend
                target(messages)
                continue
            if target not in form.fields or target == NON_FIELD_ERRORS:
                target = None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
