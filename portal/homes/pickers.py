"""Record pickers: a select that lists a few matching records, with a search box that refreshes it (htmx).

An organization may have 20,000 homes: a select listing all of them would be megabytes. A picker lists the selected
records plus the first ``LIMIT`` matches; typing in its search box asks ``people:picker_options`` for the matching
options. The form field still validates against the whole scoped queryset, so any record of the tenant can be chosen
(and none of another organization's). Without JavaScript the select still works with the first matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from portal.accounts.scoping import Tenant, scoped
from portal.homes.models import Home, Person
from portal.leases.models import Lease
from portal.locations.models import Location
from portal.web.permissions import member_required

LIMIT = 50


@dataclass(frozen=True)
class PickerKind:
    model: type
    noun: str  # plural, for the search box's name ("Search homes")
    search: Callable[[str], Q]
    label: Callable[[Any], str]
    related: tuple[str, ...] = ()


def _terms_q(fields: Iterable[str], text: str) -> Q:
    """Every word of ``text`` must match one of ``fields``."""
    fields = tuple(fields)
    q = Q()
    for word in text.split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        q &= any_field
    return q


def person_label(person: Person) -> str:
    return f"{person.full_name} <{person.email}>" if person.email else person.full_name


def lease_label(lease: Lease) -> str:
    end = lease.end_date.isoformat() if lease.end_date else "open-ended"
    return f"Lease {lease.pk} · {lease.home} · {lease.get_status_display()} ({lease.start_date.isoformat()} → {end})"


def location_label(location: Location) -> str:
    return f"{location.name} ({location.get_kind_display()})"


KINDS: dict[str, PickerKind] = {
    "home": PickerKind(Home, "homes", lambda t: _terms_q(
        ("address_line1", "unit_number", "city", "postal_code", "external_id"), t), str),
    "person": PickerKind(Person, "people", lambda t: _terms_q(
        ("first_name", "last_name", "email", "phone", "external_id"), t), person_label),
    "lease": PickerKind(Lease, "leases", lambda t: _terms_q(
        ("home__address_line1", "home__city", "external_id"), t), lease_label, ("home",)),
    "location": PickerKind(Location, "locations", lambda t: _terms_q(("name", "external_id"), t), location_label),
}


def picker_queryset(kind: str, tenant: Tenant) -> QuerySet:
    spec = KINDS[kind]
    qs = scoped(spec.model, tenant)
    return qs.select_related(*spec.related) if spec.related else qs


def picker_choices(kind: str, tenant: Tenant, selected: Iterable[Any], text: str = "") -> list[tuple[int, str]]:
    """The selected records (kept even when they do not match) followed by the first matches of ``text``."""
    spec = KINDS[kind]
    qs = picker_queryset(kind, tenant)
    wanted = [int(v) for v in selected if str(v).isdigit()]
    chosen = list(qs.filter(pk__in=wanted)) if wanted else []
    matches = qs.filter(spec.search(text)) if text.strip() else qs
    rows = chosen + [r for r in matches[:LIMIT] if r.pk not in set(wanted)]
    return [(r.pk, spec.label(r)) for r in rows]


class PickerMixin:
    kind = "home"

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        select = super().render(name, value, attrs, renderer)  # type: ignore[misc]
        select_id = (attrs or {}).get("id") or f"id_{name}"
        params = {"name": name}
        if getattr(self, "allow_multiple_selected", False):
            params["multiple"] = "1"
        else:
            choices = list(getattr(self, "choices", []))
            if choices and choices[0][0] == "":
                params["empty"] = str(choices[0][1])  # the refreshed list keeps the same blank choice
        url = f"{reverse('people:picker_options', args=[self.kind])}?{urlencode(params)}"
        noun = KINDS[self.kind].noun
        search = format_html(
            '<input type="search" id="{}_search" name="{}_q" class="picker-search" aria-label="Search {}" '
            'placeholder="Type to find {}" autocomplete="off" hx-get="{}" hx-target="#{}" hx-include="#{}" '
            'hx-trigger="input changed delay:250ms, search" hx-swap="innerHTML">',
            select_id, name, noun, noun, url, select_id, select_id,
        )
        return format_html('<div class="picker">{}{}</div>', search, select)


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(kind, *args, **kwargs)
        self.attrs.setdefault("size", 6)


def picker_field(kind: str, tenant: Tenant, *, multiple: bool = False, **kwargs: Any) -> forms.ModelChoiceField:
    """A form field choosing records of ``kind`` among the tenant's (validated against all of them)."""
    queryset = picker_queryset(kind, tenant)
    if multiple:
        return forms.ModelMultipleChoiceField(queryset=queryset, widget=PickerSelectMultiple(kind), **kwargs)
    return forms.ModelChoiceField(queryset=queryset, widget=PickerSelect(kind), **kwargs)


def fill_pickers(form: forms.BaseForm, tenant: Tenant) -> None:
    """Give each picker of ``form`` its short list of options (call at the end of the form's ``__init__``)."""
    for name, field in form.fields.items():
        widget = field.widget
        if not isinstance(widget, PickerMixin):
            continue
        if form.is_bound:
            raw = form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data.get(name)]
        else:
            initial = form.initial.get(name, field.initial)
            raw = initial if isinstance(initial, list | tuple) else [initial]
        selected = [getattr(v, "pk", v) for v in raw if v not in (None, "")]
        choices: list[tuple[Any, str]] = picker_choices(widget.kind, tenant, selected)
        if not isinstance(field, forms.ModelMultipleChoiceField):
            choices = [("", field.empty_label or "—"), *choices]
        widget.choices = choices  # type: ignore[attr-defined]


@member_required
def picker_options(request: HttpRequest, kind: str) -> HttpResponse:
    """The <option>s of a picker matching the typed text (the selected ones stay selected, first)."""
    if kind not in KINDS:
        raise Http404("No such picker.")
    name = request.GET.get("name", kind)
    selected = [v for v in request.GET.getlist(name) if v]
    text = request.GET.get(f"{name}_q", "")
    choices = picker_choices(kind, request.tenant, selected, text)  # type: ignore[attr-defined]
    chosen = {int(v) for v in selected if v.isdigit()}
    html = render_to_string(
        "people/picker_options.html",
        {"choices": choices, "chosen": chosen, "multiple": request.GET.get("multiple") == "1",
         "empty": request.GET.get("empty", "—")[:60]},
    )
    return HttpResponse(html)
