"""Origin tracing and FEOC ownership, as pure functions: mass is conserved on every map."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.diligence import feoc
from junkan.diligence.trace import UNKNOWN, TraceError, TraceInput, TraceLot, trace


@st.composite
def lot_maps(draw):
    """A random lot graph: lots numbered so that inputs always come from lower numbers, some
    mines, some recycled, some lots with too little or too much input."""
    count = draw(st.integers(min_value=2, max_value=25))
    lots = {}
    for number in range(count):
        kind = draw(st.sampled_from(["mine", "recycled", "made", "made", "made"]))
        mass = draw(st.floats(min_value=0.5, max_value=5000))
        inputs = []
        if kind == "made" and number:
            for source in draw(st.sets(st.integers(0, number - 1), max_size=4)):
                inputs.append(
                    TraceInput(
                        str(source),
                        draw(st.floats(min_value=0.01, max_value=5000)),
                        draw(st.booleans()),
                    )
                )
        lots[str(number)] = TraceLot(
            id=str(number),
            site=f"site-{number % 5}",
            material="cobalt",
            mass=mass,
            origin="post_consumer" if kind == "recycled" else "primary",
            mined=kind == "mine",
            inputs=tuple(inputs),
        )
    finals = draw(st.sets(st.sampled_from(sorted(lots)), min_size=1, max_size=3))
    return lots, sorted(finals)


@settings(max_examples=200, deadline=None)
@given(lot_maps())
def test_origins_sum_to_the_final_mass_and_every_lot_passes_on_what_reaches_it(case):
    lots, finals = case
    # a final lot consumed by another final lot would be counted twice; the service drops it
    found = trace(lots, finals)
    assert math.isclose(found.total, sum(lots[f].mass for f in finals))
    assert all(kg >= 0 for kg in found.origins.values())
    assert math.isclose(sum(found.origins.values()), found.total, rel_tol=1e-9)
    for lot_id, mass in found.through.items():
        lot = lots[lot_id]
        if lot.is_origin:
            assert math.isclose(found.origins[lot_id], mass, rel_tol=1e-9)
            continue
        inflow = sum(kg for (_, to), kg in found.flows.items() if to == lot_id)
        assert math.isclose(inflow, mass, rel_tol=1e-9, abs_tol=1e-9)
    assert sum(found.mass_balance.values()) <= found.total * (1 + 1e-9)
    for origin, kg in found.mass_balance.items():
        assert kg <= found.origins[origin] * (1 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(lot_maps(), st.floats(min_value=0.1, max_value=10))
def test_shares_do_not_depend_on_the_unit_of_mass(case, factor):
    lots, finals = case
    scaled = {
        k: TraceLot(
            v.id,
            v.site,
            v.material,
            v.mass * factor,
            v.origin,
            v.mined,
            tuple(TraceInput(i.lot, i.mass * factor, i.mass_balance) for i in v.inputs),
        )
        for k, v in lots.items()
    }
    one, other = trace(lots, finals), trace(scaled, finals)
    for origin, kg in one.origins.items():
        assert math.isclose(other.origins[origin], kg * factor, rel_tol=1e-7, abs_tol=1e-9)


def _lot(lot_id, mass, inputs=(), mined=False, origin="primary", material="cobalt"):
    return TraceLot(
        lot_id, f"s-{lot_id}", material, mass, origin, mined, tuple(TraceInput(*i) for i in inputs)
    )


def test_losses_scale_inputs_and_a_shortfall_is_unknown():
    lots = {
        "mine-a": _lot("mine-a", 100, mined=True),
        "mine-b": _lot("mine-b", 100, mined=True),
        "refined": _lot("refined", 90, [("mine-a", 60), ("mine-b", 60)]),  # 120 in, 90 out
        "cathode": _lot("cathode", 100, [("refined", 90)]),  # 10 kg undeclared
    }
    found = trace(lots, ["cathode"])
    assert found.origins == pytest.approx({"mine-a": 45, "mine-b": 45, UNKNOWN: 10})
    assert found.through["refined"] == pytest.approx(90)
    assert found.flows[(UNKNOWN, "cathode")] == pytest.approx(10)


def test_recycled_material_is_its_own_origin_and_mass_balance_is_tracked():
    lots = {
        "mine": _lot("mine", 100, mined=True),
        "battery-waste": _lot("battery-waste", 50, [("mine", 50)], origin="post_consumer"),
        "cam": _lot("cam", 100, [("mine", 50, True), ("battery-waste", 50)]),
    }
    found = trace(lots, ["cam"])
    assert found.origins == pytest.approx({"mine": 50, "battery-waste": 50})
    assert found.mass_balance == pytest.approx({"mine": 50})


def test_mixed_materials_and_cycles_are_refused():
    lots = {
        "ni": _lot("ni", 10, mined=True, material="nickel"),
        "co": _lot("co", 10, [("ni", 10)]),
    }
    with pytest.raises(TraceError, match="holds nickel"):
        trace(lots, ["co"])
    looped = {"a": _lot("a", 10, [("b", 5)]), "b": _lot("b", 10, [("a", 5)])}
    with pytest.raises(TraceError, match="cycle"):
        trace(looped, ["a"])


# --- FEOC ------------------------------------------------------------------------------------


def test_indirect_holding_multiplies_along_the_chain():
    jurisdictions = {"state": "CN", "holding": "SG", "plant": "ID", "other": "ID"}
    holdings = [
        feoc.Holding("state", "holding", 0.5),
        feoc.Holding("holding", "plant", 0.6),
        feoc.Holding("holding", "other", 0.4),
    ]
    found = feoc.assess(jurisdictions, holdings)
    assert found["plant"].share == pytest.approx(0.30)
    assert found["plant"].of_concern
    assert found["plant"].chains == [(["holding", "state"], pytest.approx(0.30))]
    assert found["other"].share == pytest.approx(0.20)
    assert not found["other"].of_concern  # 20 % < 25 %
    assert found["holding"].share == pytest.approx(0.5) and found["holding"].of_concern
    assert found["state"].of_concern and "jurisdiction" in found["state"].reasons[0]


def test_chains_add_up_and_cross_holdings_are_solved_exactly():
    jurisdictions = {"cn": "CN", "a": "JP", "b": "KR", "target": "AU"}
    holdings = [
        feoc.Holding("cn", "a", 0.2),
        feoc.Holding("cn", "b", 0.2),
        feoc.Holding("a", "target", 0.7),
        feoc.Holding("b", "target", 0.3),
        feoc.Holding("b", "a", 0.1),  # a and b hold each other
        feoc.Holding("a", "b", 0.1),
    ]
    found = feoc.assess(jurisdictions, holdings, threshold=0.25)
    # s_a = 0.2 + 0.1 s_b, s_b = 0.2 + 0.1 s_a  =>  s_a = s_b = 0.2 / 0.9
    assert found["a"].share == pytest.approx(0.2 / 0.9)
    assert found["target"].share == pytest.approx(0.2 / 0.9)
    assert not found["target"].of_concern


def test_control_makes_an_entity_of_concern_and_it_then_passes_on_in_full():
    jurisdictions = {"cn": "CN", "jv": "ID", "sub": "ID"}
    holdings = [feoc.Holding("cn", "jv", 0.1, control=True), feoc.Holding("jv", "sub", 0.3)]
    found = feoc.assess(jurisdictions, holdings)
    assert found["jv"].of_concern and any("controlled by" in r for r in found["jv"].reasons)
    assert found["sub"].share == pytest.approx(0.3) and found["sub"].of_concern


@pytest.mark.parametrize(
    ("holdings", "message"),
    [
        ([feoc.Holding("x", "y", 1.2)], "at most 100"),
        ([feoc.Holding("x", "y", 0.7), feoc.Holding("z", "y", 0.4)], "110 % in all"),
        ([feoc.Holding("y", "y", 0.5)], "cannot own itself"),
    ],
)
def test_impossible_holdings_are_refused_naming_the_entity(holdings, message):
    with pytest.raises(feoc.OwnershipError, match=message) as raised:
        feoc.assess({"x": "CN", "y": "DE", "z": "DE"}, holdings, names={"y": "Target GmbH"})
    assert "Target GmbH" in str(raised.value)
