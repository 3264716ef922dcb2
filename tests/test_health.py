"""State of health: fade fit, remaining useful life, grade, residual value, fleet chart."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from junkan.circularity import health
from junkan.circularity.health import (
    EventCounts,
    FadeFit,
    HealthPoint,
    assess,
    crossing_cycles,
    fleet_distribution,
    grade,
    residual_value,
    synthetic_history,
)

THRESHOLD = 70.0


def true_rul(a: float, b: float, n_now: float) -> float:
    return float(crossing_cycles(a, b, THRESHOLD)) - n_now


def finite_everywhere(value: object) -> bool:
    """True if every float inside (dataclasses, dicts, tuples) is finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if dataclasses.is_dataclass(value):
        return all(finite_everywhere(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return all(finite_everywhere(v) for v in value.values())
    if isinstance(value, tuple | list):
        return all(finite_everywhere(v) for v in value)
    return True


def test_crossing_formula_solves_the_model():
    for a, b in [(0.2, 0.005), (0.0, 0.01), (0.3, 0.0)]:
        n = float(crossing_cycles(a, b, THRESHOLD))
        assert 100 - a * math.sqrt(n) - b * n == pytest.approx(THRESHOLD, abs=1e-9)
    assert float(crossing_cycles(0.0, 0.0, THRESHOLD)) == health.HORIZON_CYCLES
    assert float(crossing_cycles(-1.0, -0.1, THRESHOLD)) == health.HORIZON_CYCLES


@pytest.mark.parametrize("seed", range(5))
def test_fit_recovers_known_fade(seed):
    report = assess(
        synthetic_history(1095, 0.8, 0.2, 0.005, 0.2, seed), capacity_threshold_percent=70
    )
    assert report.rul_status == "estimated"
    assert report.fit.a == pytest.approx(0.2, rel=0.03)
    assert report.fit.b == pytest.approx(0.005, rel=0.03)
    assert report.fit.residual_sd == pytest.approx(0.2, rel=0.1)
    truth = true_rul(0.2, 0.005, report.full_cycles)
    assert report.rul_cycles == pytest.approx(truth, rel=0.02)
    assert report.rul_days == pytest.approx(report.rul_cycles / 0.8, rel=1e-9)
    assert report.projected_exhaustion_date == report.last_day + timedelta(
        days=round(report.rul_days)
    )
    # current fade rate: d(100 - SOCE)/dN x 1000 at N now
    n = report.full_cycles
    rate = (report.fit.a / (2 * math.sqrt(n)) + report.fit.b) * 1000
    assert report.fit.fade_per_1000_cycles == pytest.approx(rate)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    a=st.floats(0.05, 0.5),
    b=st.floats(0.002, 0.02),
    cycles_per_day=st.floats(0.3, 1.5),
    days=st.sampled_from([365, 730, 1460]),
    noise=st.sampled_from([0.0, 0.1, 0.3, 1.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_fit_and_band_hold_the_truth(a, b, cycles_per_day, days, noise, seed):
    n_now = cycles_per_day * (days - 1)
    crossing = float(crossing_cycles(a, b, THRESHOLD))
    assume(100 - a * math.sqrt(n_now) - b * n_now > THRESHOLD + 1 + 5 * noise)
    assume(crossing < 0.5 * health.HORIZON_CYCLES)
    assume((crossing - n_now) / cycles_per_day < 0.5 * health.HORIZON_DAYS)
    report = assess(
        synthetic_history(days, cycles_per_day, a, b, noise, seed),
        capacity_threshold_percent=THRESHOLD,
    )
    assert report.rul_status == "estimated", report.rul_reason
    fit = report.fit
    # parameters within 5 standard errors (exact when there is no noise)
    assert abs(fit.a - a) <= 5 * fit.a_se + 1e-6
    assert abs(fit.b - b) <= 5 * fit.b_se + 1e-8
    assert report.rul_cycles_low <= report.rul_cycles <= report.rul_cycles_high
    # the 10-90 % band covers the truth 80 % of the time (test below); here the truth must lie
    # within the band widened by its own width on each side (about 4 standard deviations)
    truth = crossing - report.full_cycles
    width = report.rul_cycles_high - report.rul_cycles_low
    slack = 1e-6 * crossing + 1e-6
    assert report.rul_cycles_low - width - slack <= truth <= report.rul_cycles_high + width + slack
    assert report.rul_days_low <= report.rul_days <= report.rul_days_high
    assert report.rul_days == pytest.approx(report.rul_cycles / report.cycles_per_day)
    assert finite_everywhere(report)


def test_band_is_calibrated():
    rng = np.random.default_rng(7)
    hits = cases = 0
    while cases < 150:
        a, b = rng.uniform(0.05, 0.5), rng.uniform(0.002, 0.02)
        cpd, noise = rng.uniform(0.3, 1.5), rng.choice([0.1, 0.3, 1.0])
        days = int(rng.integers(365, 1461))
        report = assess(
            synthetic_history(days, cpd, a, b, noise, int(rng.integers(2**31))),
            capacity_threshold_percent=THRESHOLD,
        )
        truth = true_rul(a, b, report.full_cycles)
        if report.rul_status != "estimated" or truth <= 0:
            continue
        cases += 1
        hits += report.rul_cycles_low <= truth <= report.rul_cycles_high
    assert 0.70 <= hits / cases <= 0.90, hits / cases


def test_too_few_points():
    report = assess(synthetic_history(10, 1.0, 0.2, 0.005, 0.1, 1), capacity_threshold_percent=70)
    assert report.rul_status == "unknown"
    assert report.rul_reason == "10 points; at least 14 are needed"
    assert report.fit is None and report.rul_cycles is None and report.rul_days is None
    assert report.soce_percent is not None
    assert report.grade == "B"
    assert any("degradation trend unknown" in r for r in report.grade_reasons)


def test_too_short_and_too_few_cycles():
    short = assess(synthetic_history(40, 1.0, 0.2, 0.005, 0.1, 1), capacity_threshold_percent=70)
    assert short.rul_status == "unknown"
    assert short.rul_reason == "39 days; at least 60 needed"
    idle = assess(synthetic_history(200, 0.02, 0.2, 0.005, 0.1, 1), capacity_threshold_percent=70)
    assert idle.rul_status == "unknown"
    assert idle.rul_reason == "4.0 full cycles covered; at least 10 needed"


def test_empty_history():
    report = assess([], capacity_threshold_percent=70)
    assert (report.rul_status, report.grade, report.points) == ("unknown", "ungraded", 0)
    assert report.residual_value is None
    assert report.residual_value_reason == "no SOCE measurement"


def test_exhausted_battery():
    history = synthetic_history(1000, 2.0, 0.3, 0.012, 0.2, 3)
    assert history[-1].soce_percent < 70
    report = assess(history, capacity_threshold_percent=70)
    assert report.rul_status == "exhausted"
    assert report.rul_reason.startswith("latest SOCE ")
    assert report.rul_cycles == report.rul_cycles_high == report.rul_days == 0.0
    assert report.projected_exhaustion_date == report.last_day
    assert report.fit is not None


def test_exhausted_at_exactly_the_threshold():
    history = synthetic_history(300, 1.0, 0.2, 0.005, 0.1, 3)
    history[-1] = dataclasses.replace(history[-1], soce_percent=70.0)
    assert assess(history, capacity_threshold_percent=70).rul_status == "exhausted"


@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_no_fade_is_beyond_the_horizon(noise):
    report = assess(synthetic_history(730, 0.8, 0.0, 0.0, noise, 5), capacity_threshold_percent=70)
    assert report.rul_status == "beyond_horizon"
    assert 0 < report.rul_cycles <= health.HORIZON_CYCLES
    assert report.rul_days <= health.HORIZON_DAYS
    assert report.projected_exhaustion_date is None
    assert finite_everywhere(report)
    if noise == 0.0:
        assert report.rul_reason == "no capacity fade observed"


def test_inputs_as_tuples_mappings_and_unsorted():
    history = synthetic_history(400, 1.0, 0.2, 0.005, 0.2, 9)
    expected = assess(history, capacity_threshold_percent=70)
    as_tuples = [dataclasses.astuple(p) for p in reversed(history)]
    as_dicts = [dataclasses.asdict(p) for p in history[::2]] + [
        dataclasses.asdict(p) for p in history[1::2]
    ]
    assert assess(as_tuples, capacity_threshold_percent=70) == expected
    assert assess(as_dicts, capacity_threshold_percent=70) == expected
    stamps = [
        dataclasses.replace(p, day=datetime(p.day.year, p.day.month, p.day.day, 6, tzinfo=UTC))
        for p in history
    ]
    assert assess(stamps, capacity_threshold_percent=70).rul_cycles == expected.rul_cycles


def test_bad_points_are_dropped_and_noted():
    history = synthetic_history(200, 1.0, 0.2, 0.005, 0.2, 9)
    bad = [HealthPoint(date(2024, 3, 1), math.nan, 5.0), HealthPoint(date(2024, 3, 2), 90, -1)]
    report = assess(history + bad, capacity_threshold_percent=70)
    assert report.points == 200
    assert report.notes == ("2 point(s) dropped: missing, non-finite or out-of-range values",)


def test_implausible_points_are_dropped():
    history = synthetic_history(200, 1.0, 0.2, 0.005, 0.2, 9)
    history[50] = dataclasses.replace(history[50], full_cycles=1e300)
    history[60] = dataclasses.replace(history[60], soce_percent=1e300)
    report = assess(history, capacity_threshold_percent=70)
    assert report.points == 198
    assert report.rul_status == "estimated" and finite_everywhere(report)


def test_threshold_must_be_a_percentage():
    for bad in (0, 100, math.nan, 150):
        with pytest.raises(ValueError):
            assess([], capacity_threshold_percent=bad)


def test_events_are_summed():
    history = synthetic_history(200, 1.0, 0.1, 0.002, 0.1, 2)
    history[5] = dataclasses.replace(history[5], deep_discharge=2, accident=1)
    history[9] = dataclasses.replace(history[9], deep_discharge=3, over_temperature=4)
    history[11] = dataclasses.replace(history[11], charging_extreme_temperature=8)
    report = assess(history, capacity_threshold_percent=70)
    assert report.events == EventCounts(5, 4, 8, 1)
    assert report.grade == "C"
    assert report.grade_reasons == (
        f"SOCE {report.soce_percent:.1f} % is at least 80 % (grade A)",
        "1 accident(s) recorded: at most grade C",
        "5 deep discharges (more than 3): at most grade B",
        "12 extreme-temperature events (more than 10): at most grade B",
    )


def fit_with_rate(rate: float) -> FadeFit:
    return FadeFit(0.1, rate / 1000, 0.01, 0.0001, 0.2, 100, 90.0, rate)


CALM = fit_with_rate(8.0)


@pytest.mark.parametrize(
    ("soce", "fit", "events", "expected", "reason"),
    [
        (85.0, CALM, EventCounts(), "A", "no accident, few negative events"),
        (80.0, CALM, EventCounts(deep_discharge=3, over_temperature=10), "A", "no accident"),
        (79.99, CALM, EventCounts(), "B", "SOCE 80.0 % is at least 70 % (grade B)"),
        (70.0, CALM, EventCounts(), "B", "SOCE 70.0 % is at least 70 % (grade B)"),
        (60.0, CALM, EventCounts(), "C", "SOCE 60.0 % is at least 60 % (grade C)"),
        (59.9, CALM, EventCounts(), "recycle", "SOCE 59.9 % is below 60 %"),
        (59.9, CALM, EventCounts(accident=1), "recycle", "below 60 %, the grade C minimum"),
        (95.0, CALM, EventCounts(accident=1), "C", "1 accident(s) recorded: at most grade C"),
        (95.0, CALM, EventCounts(deep_discharge=4), "B", "4 deep discharges (more than 3)"),
        (95.0, CALM, EventCounts(deep_discharge=21), "C", "21 deep discharges (more than 20)"),
        (95.0, CALM, EventCounts(over_temperature=6, charging_extreme_temperature=5), "B",
         "11 extreme-temperature events"),
        (95.0, fit_with_rate(20.0), EventCounts(), "B", "fade of 20.0 SOCE points per 1000"),
        (95.0, fit_with_rate(40.0), EventCounts(), "C", "fast fade: 40.0 SOCE points"),
        (75.0, fit_with_rate(40.0), EventCounts(), "C", "fast fade"),
        (65.0, None, EventCounts(deep_discharge=4), "C", "degradation trend unknown"),
        (95.0, None, EventCounts(), "B", "degradation trend unknown (RUL unknown)"),
        (None, None, EventCounts(accident=3), "ungraded", "no SOCE measurement"),
    ],
)  # fmt: skip
def test_grades(soce, fit, events, expected, reason):
    result, reasons = grade(soce, fit, "unknown" if fit is None else "estimated", events)
    assert result == expected
    assert any(reason in r for r in reasons), reasons
    assert all(isinstance(r, str) and r for r in reasons)


def test_grade_thresholds_are_module_constants(monkeypatch):
    monkeypatch.setattr(health, "GRADE_A_MIN_SOCE", 90.0)
    assert grade(85.0, CALM, "estimated", EventCounts())[0] == "B"


def test_residual_value_hand_computed():
    value, reason = residual_value(
        85.0, 70.0, rated_energy_kwh=60, chemistry="LFP", new_price_per_kwh=120, age_years=2
    )
    # 60 kWh x (85 - 70) / (100 - 70) x 120 /kWh x 0.75 (LFP) x (1 - 0.03 x 2)
    assert value.value == pytest.approx(60 * 0.5 * 120 * 0.75 * 0.94)
    assert value.value == pytest.approx(2538.0)
    assert (value.remaining_share, value.chemistry_factor, value.age_factor) == (0.5, 0.75, 0.94)
    assert reason == "estimated"
    assert len(value.assumptions) == 5


def test_residual_value_through_assess():
    history = [
        HealthPoint(date(2024, 1, 1) + timedelta(days=i), 88.0 if i else 100.0, i * 0.5)
        for i in range(100)
    ]
    report = assess(
        history,
        capacity_threshold_percent=70,
        rated_energy_kwh=75,
        chemistry="NMC811",
        new_price_per_kwh=100,
        now=date(2028, 1, 1),
    )
    age = (date(2028, 1, 1) - date(2024, 1, 1)).days / 365.25
    assert report.residual_value.age_years == pytest.approx(age)
    expected = 75 * (18 / 30) * 100 * 0.65 * (1 - 0.03 * age)
    assert report.residual_value.value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "field", "expected"),
    [
        ({"soce": 120.0}, "remaining_share", 1.0),
        ({"soce": 65.0}, "value", 0.0),
        ({"age_years": 40.0}, "age_factor", 0.5),
        ({"chemistry": "LiFePO4"}, "chemistry_factor", 0.75),
        ({"chemistry": "NCM622"}, "chemistry_factor", 0.65),
        ({"chemistry": "sodium-ion"}, "chemistry_factor", health.DEFAULT_CHEMISTRY_FACTOR),
        ({"chemistry": None}, "chemistry_factor", health.DEFAULT_CHEMISTRY_FACTOR),
    ],
)
def test_residual_value_edges(kwargs, field, expected):
    args = {"soce": 85.0, "chemistry": "LFP", "age_years": 1.0} | kwargs
    value, _ = residual_value(
        args["soce"], 70.0, rated_energy_kwh=60, chemistry=args["chemistry"],
        new_price_per_kwh=120, age_years=args["age_years"],
    )  # fmt: skip
    assert getattr(value, field) == pytest.approx(expected)


def test_residual_value_missing_inputs():
    value, reason = residual_value(
        85.0, 70.0, rated_energy_kwh=None, chemistry="LFP", new_price_per_kwh=None, age_years=1
    )
    assert value is None
    assert reason == "missing or invalid input: rated_energy_kwh, new_price_per_kwh"
    report = assess(synthetic_history(30, 1, 0.1, 0.001, 0.1, 1), capacity_threshold_percent=70)
    assert report.residual_value is None
    assert report.residual_value_reason.startswith("missing or invalid input")


def test_residual_value_overflow_is_refused():
    value, reason = residual_value(
        90.0, 70.0, rated_energy_kwh=1e308, chemistry="LFP", new_price_per_kwh=1e308, age_years=1
    )
    assert value is None
    assert reason == "rated energy times price is not a finite number"


def test_warranty_and_lifetime():
    history = synthetic_history(730, 1.5, 0.3, 0.01, 0.2, 4)
    report = assess(
        history, capacity_threshold_percent=70, warranty_years=8, expected_lifetime_cycles=2000
    )
    assert report.warranty_end == date(2032, 1, 1)
    assert report.exhaustion_before_warranty_end is (
        report.projected_exhaustion_date <= report.warranty_end
    )
    assert report.lifetime_cycles_used_percent == pytest.approx(100 * 729 * 1.5 / 2000)


def test_fleet_distribution():
    reports = [
        assess(synthetic_history(400, 1.0, a, 0.004, 0.2, i), capacity_threshold_percent=70)
        for i, a in enumerate([0.0, 0.2, 0.5, 0.9, 1.4])
    ] + [assess([], capacity_threshold_percent=70)]
    dist = fleet_distribution(reports)
    assert dist.total == 6
    assert sum(dist.grades.values()) == 6 and dist.grades["ungraded"] == 1
    assert [r.grade for r in reports].count("A") == dist.grades["A"]
    assert sum(b.count for b in dist.soce_bins) + dist.soce_unknown == 6
    assert dist.soce_unknown == 1
    for report in reports[:-1]:
        (hit,) = [b for b in dist.soce_bins if b.low <= min(report.soce_percent, 99.99) < b.high]
        assert hit.count >= 1
    assert sum(dist.rul_status.values()) == 6


def test_fleet_bins_clamp_and_close():
    def at(soce: float):
        return dataclasses.replace(assess([], capacity_threshold_percent=70), soce_percent=soce)

    dist = fleet_distribution([at(-5.0), at(0.0), at(100.0), at(104.0), at(80.0)])
    counts = {(b.low, b.high): b.count for b in dist.soce_bins}
    assert counts[(0.0, 60.0)] == 2
    assert counts[(95.0, 100.0)] == 2
    assert counts[(80.0, 85.0)] == 1
    with pytest.raises(ValueError):
        fleet_distribution([], bin_edges=[50, 40])


weird_float = st.floats(allow_nan=True, allow_infinity=True) | st.floats(-5, 150)
points = st.builds(
    HealthPoint,
    day=st.dates(date(2000, 1, 1), date(2100, 1, 1))
    | st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)),
    soce_percent=weird_float,
    full_cycles=weird_float | st.floats(0, 1e6),
    deep_discharge=st.integers(-3, 10**6),
    over_temperature=st.integers(-3, 50),
    charging_extreme_temperature=st.integers(0, 50),
    accident=st.integers(-1, 3),
)
maybe = st.none() | st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=150, deadline=None)
@given(
    history=st.lists(points, max_size=60),
    threshold=st.floats(1, 99),
    lifetime=maybe,
    warranty=maybe,
    energy=maybe,
    price=maybe,
    chemistry=st.none() | st.text(max_size=8),
    now=st.none() | st.dates(),
)
def test_never_nan_or_inf(history, threshold, lifetime, warranty, energy, price, chemistry, now):
    report = assess(
        history, capacity_threshold_percent=threshold, expected_lifetime_cycles=lifetime,
        warranty_years=warranty, rated_energy_kwh=energy, chemistry=chemistry,
        new_price_per_kwh=price, now=now,
    )  # fmt: skip
    assert finite_everywhere(report)
    assert report.grade in health.GRADES
    assert report.rul_status in {"estimated", "beyond_horizon", "exhausted", "unknown"}
    assert finite_everywhere(fleet_distribution([report]))


@settings(max_examples=60, deadline=None)
@given(
    days=st.integers(1, 400),
    cycles_per_day=st.floats(0, 5),
    a=st.floats(0, 3),
    b=st.floats(0, 0.1),
    noise=st.floats(0, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_never_nan_or_inf_on_synthetic(days, cycles_per_day, a, b, noise, seed):
    history = synthetic_history(days, cycles_per_day, a, b, noise, seed)
    report = assess(
        history, capacity_threshold_percent=80, rated_energy_kwh=50, new_price_per_kwh=90
    )
    assert finite_everywhere(report)
    if report.rul_cycles is not None:
        assert 0 <= report.rul_cycles_low <= report.rul_cycles <= report.rul_cycles_high


@settings(max_examples=100, deadline=None)
@given(data=st.data(), days=st.integers(14, 300), seed=st.integers(0, 2**32 - 1))
def test_never_nan_or_inf_on_corrupted_history(data, days, seed):
    history = synthetic_history(days, 1.0, 0.2, 0.005, 0.3, seed)
    for index in data.draw(st.lists(st.integers(0, days - 1), max_size=5)):
        name = data.draw(st.sampled_from(["soce_percent", "full_cycles"]))
        value = data.draw(st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1.0, 1e6, 0]))
        history[index] = dataclasses.replace(history[index], **{name: value})
    report = assess(
        history, capacity_threshold_percent=data.draw(st.floats(1, 99)),
        rated_energy_kwh=data.draw(st.sampled_from([None, 60.0, 1e308, math.inf])),
        new_price_per_kwh=data.draw(st.sampled_from([None, 100.0, 1e308, -1.0])),
        warranty_years=data.draw(st.sampled_from([None, 8.0, 1e9, math.nan])),
        expected_lifetime_cycles=data.draw(st.sampled_from([None, 0.0, 3000.0, math.inf])),
    )  # fmt: skip
    assert finite_everywhere(report)
