"""Form helpers shared by the portal's pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_domain_error(form: forms.BaseForm, error: ValidationError, about: str | None = None) -> None:
    """Show a service's refusal on the form: on its field when the form has it, otherwise above the form.

    ``about`` names the field a refusal without a field is about (e.g. the location of a home whose
    neighborhood is inactive), so the message sits next to what the user must change.
    """
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for item in errors:
                message = " ".join(item.messages)
                if target is None and name != "__all__":
                    message = f"{name.replace('_', ' ').capitalize()}: {message}"
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(about if about in form.fields else None, message)


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that only parses input: the model is validated and saved by the domain services.

    Skipping ModelForm's own model validation keeps one set of rules (the services') and leaves the
    instance untouched, so the service still sees which fields changed.
    """

    def _post_clean(self) -> None:
        pass
