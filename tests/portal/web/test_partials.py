"""The shared partials portal pages build on (table, sort header, pagination, empty state, form fields)."""

from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

from portal.web.paging import paginate
from portal.web.tables import Cell, Column, Table


def render(template: str, path: str = "/things/?q=x", **context) -> str:
    return render_to_string(template, context, request=RequestFactory().get(path))


def test_the_table_partial_renders_links_numbers_badges_and_sortable_headers():
    table = Table(
        columns=[Column("Name", sort="name"), Column("Rent", sort="rent", num=True), Column("State")],
        rows=[[Cell("Elm", url="/homes/1/"), Cell("1,500.00", num=True), Cell("OH", badge="new", badge_class="ok")]],
        sort="-rent",
    )
    html = render("partials/table.html", table=table)
    assert '<a href="?q=x&amp;sort=name">Name</a>' in html
    assert 'aria-sort="descending" class="num"><a href="?q=x&amp;sort=rent">Rent' in html
    assert '<td><a href="/homes/1/">Elm</a></td>' in html and '<td class="num">1,500.00</td>' in html
    assert '<span class="badge ok">new</span>' in html


def test_the_table_partial_shows_the_empty_state_without_rows():
    table = Table(columns=[Column("Name")], empty_title="No things yet", empty_message="Add one.",
                  empty_action_url="/things/new/", empty_action_label="Add a thing")
    html = render("partials/table.html", table=table)
    assert "<h2>No things yet</h2>" in html and '<a class="button" href="/things/new/">Add a thing</a>' in html


def test_sorting_a_column_twice_reverses_it_and_goes_back_to_page_one():
    html = render("partials/sort_header.html", path="/homes/?sort=city&page=3&status=active", label="City",
                  key="city", sort="city")
    assert 'aria-sort="ascending"' in html and 'href="?sort=-city&amp;status=active"' in html


def test_pagination_keeps_the_filters_and_elides_far_pages():
    request = RequestFactory().get("/homes/?status=active&page=10")
    html = render_to_string("partials/pagination.html", {"page_obj": paginate(request, list(range(1000)))},
                            request=request)
    assert "Showing 451–500 of 1000" in html
    assert 'href="?status=active&amp;page=11" rel="next"' in html
    assert '<span class="current" aria-current="page">10</span>' in html and "…" in html


def test_a_page_number_out_of_range_gives_the_nearest_page():
    assert paginate(RequestFactory().get("/?page=99"), list(range(120))).number == 3
    assert paginate(RequestFactory().get("/?page=x"), list(range(120))).number == 1


def test_form_fields_have_labels_help_and_inline_errors():
    class Sample(forms.Form):
        name = forms.CharField(help_text="Your name.")
        agree = forms.BooleanField(required=False)

    form = Sample(data={"name": ""})
    form.is_valid()
    html = render("partials/form_fields.html", form=form)
    assert '<label for="id_name">Name</label><span class="required-mark" aria-hidden="true">*</span>' in html
    assert '<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>' in html
    assert '<div class="help" id="id_name_helptext">Your name.</div>' in html
    assert '<label for="id_agree" class="inline">Agree</label>' in html
