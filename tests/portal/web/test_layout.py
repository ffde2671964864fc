import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateDoesNotExist

from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/search/?q=elm", "/locations/", "/homes/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_sign_in_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_layout_has_the_navigation_search_and_sign_out(member_client, portfolio):
    html = member_client.get("/homes/").content.decode()
    for name, href in [("Dashboard", "/"), ("Locations", "/locations/"), ("Homes", "/homes/"), ("People", "/people/"),
                       ("Leases", "/leases/"), ("Documents", "/documents/"), ("Integrations", "/integrations/")]:
        assert re.search(rf'<a href="{re.escape(href)}"[^>]*>{name}</a>', html), name
    assert '<a href="/homes/" aria-current="page">Homes</a>' in html
    assert '<label for="global-search" class="visually-hidden">Search</label>' in html
    assert 'action="/accounts/logout/"' in html and ">Sign out</button>" in html


def test_pages_load_no_inline_script_and_nothing_from_another_site(member_client, portfolio):
    html = member_client.get("/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts, "htmx and the portal script are loaded"
    assert all('src="/static/' in attrs for attrs in scripts)
    assert "https://" not in html.split("</head>")[0]
    assert (Path(settings.BASE_DIR) / "static/vendor/htmx.min.js").stat().st_size > 10_000


def test_the_htmx_csrf_header_comes_from_a_meta_tag_read_by_the_static_script(member_client, portfolio):
    html = member_client.get("/").content.decode()
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    script = (Path(settings.BASE_DIR) / "static/js/portal.js").read_text()
    assert "htmx:configRequest" in script and "X-CSRFToken" in script


def test_a_member_of_two_organizations_can_switch_from_the_top_bar(member_client, member, portfolio):
    second = OrganizationFactory(name="Second Homes", slug="second")
    MembershipFactory(user=member.user, organization=second)
    html = member_client.get("/homes/").content.decode()
    assert 'action="/organizations/switch/second/"' in html
    response = member_client.post("/organizations/switch/second/", {"next": "/homes/"})
    assert response.status_code == 302
    page = member_client.get("/homes/").content.decode()
    assert "No homes yet" in page and "Second Homes" in page


def test_a_user_of_no_organization_gets_the_403_page(client):
    client.force_login(UserFactory(email="nobody@example.com"))
    response = client.get("/")
    assert response.status_code == 403
    assert "not a member of any organization" in response.content.decode()


def test_the_sign_in_page_is_in_the_portals_look_without_a_sign_up_link(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/static/css/portal.css"' in html
    assert '<label for="id_login">' in html and '<label for="id_password">' in html
    assert "sign up" not in html.lower()


def test_a_wrong_password_is_shown_above_the_form(client, member):
    response = client.post("/accounts/login/", {"login": member.user.email, "password": "not it at all"})
    assert 'class="form-errors"' in response.content.decode()


def test_include_if_exists_renders_a_present_template_and_nothing_for_a_missing_one():
    tmpl = Template(
        '{% load portal_tags %}[{% include_if_exists "partials/empty_state.html" title="Hello" %}]'
        '[{% include_if_exists "integrations/_no_such_panel.html" %}]'
        '{% include_if_exists "integrations/_no_such_panel.html" as panel %}{% if not panel %}fallback{% endif %}'
    )
    html = tmpl.render(Context({}))
    assert "<h2>Hello</h2>" in html
    assert "[]" in html and html.endswith("fallback")


def test_include_if_exists_still_reports_an_error_inside_the_included_template(settings, tmp_path):
    (tmp_path / "broken.html").write_text('{% include "missing/inner.html" %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    with pytest.raises(TemplateDoesNotExist):
        Template('{% load portal_tags %}{% include_if_exists "broken.html" %}').render(Context({}))


@pytest.mark.parametrize(("url", "form_action"), [
    ("/accounts/password/reset/", "/accounts/password/reset/"),
    ("/accounts/logout/", "/accounts/logout/"),
    ("/accounts/password/change/", "/accounts/password/change/"),
    ("/accounts/2fa/totp/activate", "/accounts/reauthenticate/"),  # two-factor setup asks for the password first
])
def test_the_account_pages_use_the_portal_layout_and_form_style(member_client, url, form_action):
    html = member_client.get(url, follow=True).content.decode()
    assert 'href="/static/css/portal.css"' in html and "<h1>" in html
    assert f'action="{form_action}" class="stacked panel"' in html


def test_the_account_menu_links_api_keys_for_admins_only(client, org):
    from portal.accounts.models import Role
    from tests.factories import MembershipFactory

    admin = MembershipFactory(organization=org, role=Role.ADMIN)
    viewer = MembershipFactory(organization=org, role=Role.VIEWER)
    client.force_login(admin.user)
    assert 'href="/api/keys/"' in client.get("/").content.decode()
    client.force_login(viewer.user)
    body = client.get("/").content.decode()
    assert 'href="/api/keys/"' not in body
    assert 'href="/api/docs/"' in body
