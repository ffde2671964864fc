"""People pages: list and search, detail (homes owned, leases), create/edit, link and unlink a home.

Reads go through ``scoped`` (another organization's ids are a 404), writes through portal.homes.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.accounts.scoping import Tenant, scoped
from portal.homes import services
from portal.homes.models import Homeownership, Person
from portal.homes.people_forms import LinkHomeForm, PersonForm
from portal.leases.models import LeaseTenant
from portal.web.forms import add_domain_error
from portal.web.paging import paginate
from portal.web.permissions import member_required, write_required


def _count_of(model: type, tenant: Tenant) -> Subquery:
    """A per-row count as a correlated subquery: evaluated for the page's rows only, not the whole table."""
    rows = scoped(model, tenant).filter(person=OuterRef("pk")).order_by().values("person")
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def search_people(queryset: QuerySet, text: str) -> QuerySet:
    """Every word must match part of the name, an e-mail or a phone, or the whole external id."""
    for word in text.split():
        q = Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(middle_name__icontains=word)
        q |= Q(email__icontains=word) | Q(alternate_email__icontains=word)
        q |= Q(phone__icontains=word) | Q(alternate_phone__icontains=word) | Q(external_id__iexact=word)
        queryset = queryset.filter(q)
    return queryset


def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(scoped(Person, request.tenant), pk=pk)  # type: ignore[attr-defined]


@member_required
def person_list(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    text = request.GET.get("q", "").strip()[:200]
    people = search_people(scoped(Person, tenant), text).annotate(
        homes_owned=_count_of(Homeownership, tenant), lease_count=_count_of(LeaseTenant, tenant)
    )
    page_obj = paginate(request, people)
    context = {"page_obj": page_obj, "people": page_obj.object_list, "q": text}
    template = "people/_results.html" if request.htmx and not request.htmx.boosted else "people/list.html"
    return render(request, template, context)


@member_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return render(request, "people/detail.html", _detail_context(request, person))


def _detail_context(request: HttpRequest, person: Person, link_form: LinkHomeForm | None = None) -> dict:
    tenant = request.tenant  # type: ignore[attr-defined]
    ownerships = scoped(Homeownership, tenant).filter(person=person).select_related("home").order_by("home")
    tenancies = (
        scoped(LeaseTenant, tenant).filter(person=person).select_related("lease__home").order_by("-lease__start_date")
    )
    if link_form is None and tenant.can_write:
        link_form = LinkHomeForm(tenant)
    return {"person": person, "ownerships": ownerships, "tenancies": tenancies, "link_form": link_form}


@write_required
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(request.tenant.organization, **form.changes())  # type: ignore[attr-defined]
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{person.full_name} was added.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": None}, status=_status(request, form))


@write_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = PersonForm.for_person(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, **form.changes())
        except ValidationError as exc:
            person.refresh_from_db()  # the service may have set fields before refusing
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{person.full_name} was saved.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person}, status=_status(request, form))


@write_required
def link_home(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (``?home=<id>`` preselects a home). POST: link the person to the home with the chosen type."""
    person = _person(request, pk)
    tenant = request.tenant  # type: ignore[attr-defined]
    if request.method != "POST":
        form = LinkHomeForm(tenant, initial={"home": request.GET.get("home") or None})
        return render(request, "people/link_home.html", {"person": person, "link_form": form})
    form = LinkHomeForm(tenant, request.POST)
    if form.is_valid():
        home = form.cleaned_data["home"]
        try:
            services.set_homeowner(home, person, form.cleaned_data["ownership_type"])
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{person.full_name} is now an owner of {home}.")
            if request.htmx:
                return render(request, "people/_homes_owned.html", _detail_context(request, person))
            return redirect("people:detail", pk=person.pk)
    if request.htmx:
        return render(request, "people/_homes_owned.html", _detail_context(request, person, form))
    return render(request, "people/link_home.html", {"person": person, "link_form": form}, status=400)


@require_POST
@write_required
def unlink_home(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    person = _person(request, pk)
    link = get_object_or_404(
        scoped(Homeownership, request.tenant).select_related("home"), pk=link_pk, person=person  # type: ignore[attr-defined]
    )
    services.remove_homeowner(link)
    messages.success(request, f"{person.full_name} is no longer an owner of {link.home}.")
    if request.htmx:
        return render(request, "people/_homes_owned.html", _detail_context(request, person))
    return redirect("people:detail", pk=person.pk)


def _status(request: HttpRequest, form: PersonForm) -> int:
    return 400 if request.method == "POST" and form.errors else 200
