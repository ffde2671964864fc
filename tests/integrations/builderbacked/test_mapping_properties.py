"""Whatever Builder Backed lists as a region, mapping returns fields the portal's own field checks accept (and a
vendor id its links can hold), or refuses the region with a reason."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.base import MappingError
from integrations.builderbacked import mapping
from integrations.models import ExternalRef
from portal.locations.models import Location

ANY = st.one_of(st.none(), st.just(""), st.just("   "), st.text(max_size=300), st.integers(), st.booleans(),
                st.floats(allow_nan=False), st.lists(st.integers(), max_size=2), st.just({}))
REGION = st.fixed_dictionaries({}, optional={"name": ANY, "displayName": ANY, "abbreviatedName": ANY, "id": ANY,
                                             "externalId": ANY})


@settings(max_examples=500, deadline=None)
@given(REGION)
def test_any_region_maps_to_storable_fields_or_is_refused_with_a_reason(raw):
    try:
        fields = mapping.region_fields(raw)
        vendor_id = mapping.region_vendor_id(raw)
    except MappingError as exc:
        assert str(exc)
        return
    for name, value in fields.items():
        Location._meta.get_field(name).clean(value, None)
    assert 0 < len(vendor_id) <= ExternalRef._meta.get_field("vendor_id").max_length
