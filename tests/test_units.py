"""Unit conversion for activity data: exact where dimensions agree, an error where not."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from junkan.footprint.units import conversion, is_emission

FAMILIES = {
    "mass": ["g", "kg", "t", "lb"],
    "energy": ["Wh", "kWh", "MWh", "MJ", "GJ"],
    "transport": ["kg*km", "t*km", "t*mi"],
    "emission": ["gCO2e", "kgCO2e", "tCO2e"],
    "count": ["piece", "pcs"],
}


@given(st.sampled_from(sorted(FAMILIES)), st.data())
def test_conversions_compose_and_invert(family, data):
    a, b, c = (data.draw(st.sampled_from(FAMILIES[family])) for _ in range(3))
    assert conversion(a, b) * conversion(b, a) == pytest.approx(1.0, rel=1e-12)
    assert conversion(a, c) == pytest.approx(conversion(a, b) * conversion(b, c), rel=1e-12)


@pytest.mark.parametrize(
    "source, target, factor",
    [
        ("t", "kg", 1000),
        ("MWh", "kWh", 1000),
        ("MJ", "kWh", 1 / 3.6),
        ("t*km", "kg*km", 1000),
        ("tCO2e", "kgCO2e", 1000),
        ("g", "kg", 0.001),
    ],
)
def test_known_factors(source, target, factor):
    assert conversion(source, target) == pytest.approx(factor, rel=1e-12)


@given(st.sampled_from(sorted(FAMILIES)), st.sampled_from(sorted(FAMILIES)), st.data())
def test_different_dimensions_never_convert(one, other, data):
    if one == other:
        return
    a = data.draw(st.sampled_from(FAMILIES[one]))
    b = data.draw(st.sampled_from(FAMILIES[other]))
    with pytest.raises(ValueError, match="different dimensions"):
        conversion(a, b)


def test_unknown_units_are_named_and_emissions_are_recognised():
    with pytest.raises(ValueError, match="unknown unit 'bananas'"):
        conversion("bananas", "kg")
    assert is_emission("tCO2e") and not is_emission("kg")
