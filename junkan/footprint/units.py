"""Units of activity data, with pint: quantities convert exactly where dimensions agree, and a
mismatch (kWh of a factor per kg) is an error, not a silent wrong number."""

from __future__ import annotations

from functools import cache

import pint

REGISTRY = pint.UnitRegistry()
REGISTRY.define("piece = [piece] = pc = pcs")
REGISTRY.define("gCO2e = [emission]")
REGISTRY.define("kgCO2e = 1000 * gCO2e")
REGISTRY.define("tCO2e = 1000 * kgCO2e")


@cache
def parse_unit(text: str) -> pint.Unit:
    """A unit, or ValueError naming it."""
    try:
        unit = REGISTRY.Unit(text.strip())
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError) as exc:
        raise ValueError(f"unknown unit {text!r}") from exc
    return unit


@cache
def conversion(source: str, target: str) -> float:
    """The factor that turns a quantity in `source` into `target`, or ValueError."""
    src, dst = parse_unit(source), parse_unit(target)
    if src.dimensionality != dst.dimensionality:
        raise ValueError(f"{source!r} cannot be converted to {target!r} (different dimensions)")
    return float(REGISTRY.Quantity(1.0, src).to(dst).magnitude)


def is_emission(unit: str) -> bool:
    return parse_unit(unit).dimensionality == REGISTRY.Unit("kgCO2e").dimensionality
