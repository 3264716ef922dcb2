"""EV battery state of health: capacity-fade fit, remaining useful life, residual value and a
second-life grade, from a battery's daily history. Pure functions: no database, no HTTP.

SOCE (state of certified energy, Annex VII Part A of Regulation 2023/1542) is the usable energy
as a percentage of the certified usable energy. The capacity threshold for exhaustion is the
SOCE above which the battery still counts as operational as an EV battery.

Degradation model. With N the cumulative full equivalent cycles,

    SOCE(N) = 100 - a * sqrt(N) - b * N,        a >= 0, b >= 0,

the square-root term standing for SEI growth (calendar-like fade, diffusion limited) and the
linear term for cycle fade. Under steady use N is proportional to time, so sqrt(N) also carries
calendar ageing; time is not fitted separately. (a, b) are fitted by non-negative least squares
on y = 100 - SOCE with the design [sqrt(N), N]; their covariance is s^2 (X'X)^-1 with s^2 the
residual variance on n - 2 degrees of freedom.

Remaining useful life. The fitted curve reaches the threshold T at N* = u^2 with
u = 2D / (a + sqrt(a^2 + 4bD)), D = 100 - T (the root of b u^2 + a u - D = 0 written to stay
finite for b = 0). RUL in cycles is N* - N_now; in days it is divided by the observed cycles
per day (cycle span / day span of the history), counted from the latest observation. The band
is the 10th-90th percentile of N* over MC_SAMPLES draws of (a, b) from the normal approximation
with that covariance (fixed seed, draws clipped at zero). Fewer than MIN_POINTS points, less
than MIN_SPAN_DAYS days or less than MIN_CYCLE_SPAN cycles: RUL unknown, with the reason. A
crossing beyond HORIZON_CYCLES or HORIZON_DAYS (including no fade at all): "beyond_horizon",
values capped at the horizon. Latest SOCE at or below T: "exhausted", RUL 0. No value is ever
NaN or infinite: unknown values are None.

Residual value (see residual_value): rated energy x share of the energy band above the
threshold left x new price per kWh x chemistry factor x age factor. Second-life grade (see
grade): by SOCE, capped by accidents, deep discharges, thermal events, fast fade and an unknown
trend. All thresholds are the module constants below; docs/state-of-health.md explains them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

import numpy as np
from scipy.optimize import nnls

# Data needed before a trend is fitted.
MIN_POINTS = 14
MIN_SPAN_DAYS = 60.0
MIN_CYCLE_SPAN = 10.0
# Points outside these are dropped as implausible.
MAX_SOCE = 200.0
MAX_CYCLES = 1e6
# Projections beyond these are reported as "beyond_horizon".
HORIZON_CYCLES = 20_000.0
HORIZON_DAYS = 30 * 365.25
# Uncertainty band.
BAND_PERCENTILES = (10.0, 90.0)
MC_SAMPLES = 4000
MC_SEED = 20270218

# Second-life grade.
GRADE_A_MIN_SOCE = 80.0
GRADE_B_MIN_SOCE = 70.0
GRADE_C_MIN_SOCE = 60.0
GRADE_A_MAX_DEEP_DISCHARGES = 3
GRADE_B_MAX_DEEP_DISCHARGES = 20
GRADE_A_MAX_THERMAL_EVENTS = 10
GRADE_A_MAX_FADE_PER_1000 = 15.0  # SOCE points lost per 1000 cycles at the current age
GRADE_B_MAX_FADE_PER_1000 = 30.0
GRADES = ("A", "B", "C", "recycle", "ungraded")

# Residual value.
CHEMISTRY_FACTORS = {"LFP": 0.75, "LTO": 0.75, "NMC": 0.65, "NCA": 0.6, "LMO": 0.5}
DEFAULT_CHEMISTRY_FACTOR = 0.5
AGE_DEPRECIATION_PER_YEAR = 0.03
AGE_FACTOR_FLOOR = 0.5

# Fleet chart.
SOCE_BIN_EDGES = (0.0, 60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0, 100.0)

EVENT_KINDS = ("deep_discharge", "over_temperature", "charging_extreme_temperature", "accident")


@dataclass(frozen=True)
class HealthPoint:
    """One day of telemetry: SOCE in %, cumulative full equivalent cycles, that day's events."""

    day: date | datetime
    soce_percent: float
    full_cycles: float
    deep_discharge: int = 0
    over_temperature: int = 0
    charging_extreme_temperature: int = 0
    accident: int = 0


@dataclass(frozen=True)
class EventCounts:
    deep_discharge: int = 0
    over_temperature: int = 0
    charging_extreme_temperature: int = 0
    accident: int = 0

    @property
    def thermal(self) -> int:
        return self.over_temperature + self.charging_extreme_temperature


@dataclass(frozen=True)
class FadeFit:
    """SOCE = 100 - a sqrt(N) - b N; standard errors from the residuals."""

    a: float
    b: float
    a_se: float
    b_se: float
    residual_sd: float
    points: int
    fitted_soce_now: float
    fade_per_1000_cycles: float  # -dSOCE/dN x 1000 at the latest cycle count


@dataclass(frozen=True)
class ResidualValue:
    value: float
    rated_energy_kwh: float
    remaining_share: float
    new_price_per_kwh: float
    chemistry_factor: float
    age_factor: float
    age_years: float
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class HealthReport:
    """RUL status: "estimated", "beyond_horizon", "exhausted" or "unknown"; unknown values are
    None. RUL cycles and days count from the latest observation; the band is BAND_PERCENTILES."""

    capacity_threshold_percent: float
    events: EventCounts
    rul_status: str
    rul_reason: str
    grade: str
    grade_reasons: tuple[str, ...]
    residual_value_reason: str
    points: int = 0
    first_day: date | None = None
    last_day: date | None = None
    span_days: float = 0.0
    soce_percent: float | None = None  # latest measured
    full_cycles: float | None = None  # latest
    cycles_per_day: float | None = None
    fit: FadeFit | None = None
    rul_cycles: float | None = None
    rul_cycles_low: float | None = None
    rul_cycles_high: float | None = None
    rul_days: float | None = None
    rul_days_low: float | None = None
    rul_days_high: float | None = None
    projected_exhaustion_date: date | None = None
    residual_value: ResidualValue | None = None
    warranty_end: date | None = None
    exhaustion_before_warranty_end: bool | None = None
    lifetime_cycles_used_percent: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _day_number(day: date | datetime) -> float:
    if isinstance(day, datetime):
        midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
        return day.toordinal() + (day - midnight).total_seconds() / 86400.0
    return float(day.toordinal())


def _as_date(day: date | datetime) -> date:
    return day.date() if isinstance(day, datetime) else day


def _add_days(day: date, days: float) -> date | None:
    try:
        return day + timedelta(days=round(days))
    except OverflowError:
        return None


def _coerce(item: object) -> HealthPoint:
    if isinstance(item, HealthPoint):
        return item
    if isinstance(item, Mapping):
        names = {f.name for f in fields(HealthPoint)}
        return HealthPoint(**{k: v for k, v in item.items() if k in names})
    return HealthPoint(*item)


def _finite(x: object) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _clean(history: Iterable[object]) -> tuple[list[HealthPoint], list[str]]:
    kept, dropped = [], 0
    for item in history:
        point = _coerce(item)
        ok = (
            isinstance(point.day, date)
            and _finite(point.soce_percent)
            and _finite(point.full_cycles)
            and 0.0 <= float(point.soce_percent) <= MAX_SOCE
            and 0.0 <= float(point.full_cycles) <= MAX_CYCLES
        )
        if ok:
            kept.append(point)
        else:
            dropped += 1
    kept.sort(key=lambda p: _day_number(p.day))
    notes = [f"{dropped} point(s) dropped: missing, non-finite or out-of-range values"]
    return kept, notes if dropped else []


def _count(value: object) -> int:
    return max(0, int(value)) if _finite(value) else 0


def _events(points: Sequence[HealthPoint]) -> EventCounts:
    totals = {kind: sum(_count(getattr(p, kind)) for p in points) for kind in EVENT_KINDS}
    return EventCounts(**totals)


def crossing_cycles(a: np.ndarray | float, b: np.ndarray | float, threshold: float) -> np.ndarray:
    """Cycles N* at which 100 - a sqrt(N) - b N = threshold (a, b clipped at 0); HORIZON_CYCLES
    caps it (and replaces infinity for a = b = 0)."""
    a_arr = np.clip(np.asarray(a, dtype=float), 0.0, None)
    b_arr = np.clip(np.asarray(b, dtype=float), 0.0, None)
    drop = 100.0 - threshold
    denom = a_arr + np.sqrt(a_arr * a_arr + 4.0 * b_arr * drop)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(denom > 0, 2.0 * drop / np.where(denom > 0, denom, 1.0), np.inf)
    return np.minimum(u * u, HORIZON_CYCLES)


def fit_fade(cycles: np.ndarray, soce: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Non-negative least squares of 100 - SOCE on [sqrt(N), N]: (a, b), covariance, residual
    standard deviation."""
    x = np.column_stack([np.sqrt(cycles), cycles])
    y = 100.0 - soce
    theta, _ = nnls(x, y)
    resid = y - x @ theta
    dof = max(len(y) - 2, 1)
    s2 = float(resid @ resid) / dof
    xtx = x.T @ x
    cov = s2 * np.linalg.pinv(xtx)
    cov = 0.5 * (cov + cov.T)
    return theta, cov, math.sqrt(s2)


def _band(theta: np.ndarray, cov: np.ndarray, threshold: float) -> tuple[float, float]:
    rng = np.random.default_rng(MC_SEED)
    values, vectors = np.linalg.eigh(cov)
    scale = vectors * np.sqrt(np.clip(values, 0.0, None))
    draws = theta + rng.standard_normal((MC_SAMPLES, 2)) @ scale.T
    draws = np.clip(draws, 0.0, None)
    cross = crossing_cycles(draws[:, 0], draws[:, 1], threshold)
    low, high = np.percentile(cross, BAND_PERCENTILES)
    return float(low), float(high)


def assess(
    history: Iterable[object],
    *,
    capacity_threshold_percent: float,
    expected_lifetime_cycles: float | None = None,
    warranty_years: float | None = None,
    rated_energy_kwh: float | None = None,
    chemistry: str | None = None,
    new_price_per_kwh: float | None = None,
    now: date | datetime | None = None,
) -> HealthReport:
    """Health report of one battery from its daily history (HealthPoint, tuples in HealthPoint
    field order, or mappings with those keys; any order, invalid points dropped and noted)."""
    threshold = float(capacity_threshold_percent)
    if not (math.isfinite(threshold) and 0.0 < threshold < 100.0):
        raise ValueError("capacity_threshold_percent must be between 0 and 100")
    points, notes = _clean(history)
    events = _events(points)
    if not points:
        return HealthReport(
            threshold, events, "unknown", "no SOCE measurements", "ungraded",
            ("no SOCE measurement: cannot be graded",), "no SOCE measurement", notes=tuple(notes),
        )  # fmt: skip

    days = np.array([_day_number(p.day) for p in points])
    cycles = np.array([float(p.full_cycles) for p in points])
    soce = np.array([float(p.soce_percent) for p in points])
    first, last = _as_date(points[0].day), _as_date(points[-1].day)
    span_days = float(days[-1] - days[0])
    cycle_span = float(cycles.max() - cycles.min())
    soce_now, n_now = float(soce[-1]), float(cycles[-1])
    cpd = cycle_span / span_days if span_days > 0 and cycle_span > 0 else None

    fit = None
    rul: dict[str, float | None] = {}
    if len(points) < MIN_POINTS:
        status, reason = "unknown", f"{len(points)} points; at least {MIN_POINTS} are needed"
    elif span_days < MIN_SPAN_DAYS:
        status, reason = "unknown", f"{span_days:.0f} days; at least {MIN_SPAN_DAYS:.0f} needed"
    elif cycle_span < MIN_CYCLE_SPAN:
        status = "unknown"
        reason = f"{cycle_span:.1f} full cycles covered; at least {MIN_CYCLE_SPAN:.0f} needed"
    else:
        theta, cov, sd = fit_fade(cycles, soce)
        a, b = float(theta[0]), float(theta[1])
        rate = (a / (2.0 * math.sqrt(n_now)) + b) * 1000.0 if n_now > 0 else b * 1000.0
        fit = FadeFit(
            a=a,
            b=b,
            a_se=math.sqrt(max(cov[0, 0], 0.0)),
            b_se=math.sqrt(max(cov[1, 1], 0.0)),
            residual_sd=sd,
            points=len(points),
            fitted_soce_now=100.0 - a * math.sqrt(n_now) - b * n_now,
            fade_per_1000_cycles=rate,
        )
        status, reason, rul = _rul(theta, cov, threshold, n_now, cpd or 0.0)
    if soce_now <= threshold:
        status = "exhausted"
        reason = f"latest SOCE {soce_now:.1f} % is at or below the threshold {threshold:g} %"
        rul = dict.fromkeys(("rul_cycles", "rul_cycles_low", "rul_cycles_high"), 0.0)
        rul.update(dict.fromkeys(("rul_days", "rul_days_low", "rul_days_high"), 0.0))

    exhaustion = None
    if rul.get("rul_days") is not None and status in ("estimated", "exhausted"):
        exhaustion = _add_days(last, rul["rul_days"])
    ref = _as_date(now) if now is not None else last
    warranty_end = before_warranty = None
    if warranty_years is not None and _finite(warranty_years):
        warranty_end = _add_days(first, float(warranty_years) * 365.25)
        if exhaustion is not None and warranty_end is not None:
            before_warranty = exhaustion <= warranty_end
        elif status == "beyond_horizon" and warranty_end is not None:
            horizon_end = _add_days(last, rul["rul_days"] or 0.0)
            before_warranty = False if horizon_end and warranty_end <= horizon_end else None
    used, life = None, expected_lifetime_cycles
    if life is not None and _finite(life) and float(life) > 0:
        used = 100.0 * n_now / float(life)
        used = used if math.isfinite(used) else None  # a near-zero lifetime overflows

    grade_, reasons = grade(soce_now, fit, status, events)
    value, value_reason = residual_value(
        soce_now,
        threshold,
        rated_energy_kwh=rated_energy_kwh,
        chemistry=chemistry,
        new_price_per_kwh=new_price_per_kwh,
        age_years=max(0.0, (ref - first).days / 365.25),
    )
    return HealthReport(
        threshold, events, status, reason, grade_, reasons, value_reason, points=len(points),
        first_day=first, last_day=last, span_days=span_days, soce_percent=soce_now,
        full_cycles=n_now, cycles_per_day=cpd, fit=fit, projected_exhaustion_date=exhaustion,
        residual_value=value, warranty_end=warranty_end,
        exhaustion_before_warranty_end=before_warranty, lifetime_cycles_used_percent=used,
        notes=tuple(notes), **rul,
    )  # fmt: skip


def _rul(
    theta: np.ndarray, cov: np.ndarray, threshold: float, n_now: float, cpd: float
) -> tuple[str, str, dict[str, float | None]]:
    point = float(crossing_cycles(theta[0], theta[1], threshold))
    low, high = _band(theta, cov, threshold)
    low, high = min(low, point), max(high, point)
    cycles = {k: max(0.0, v - n_now) for k, v in (("", point), ("_low", low), ("_high", high))}
    horizon_days = HORIZON_DAYS
    days = {k: min(v / cpd, horizon_days) if cpd > 0 else horizon_days for k, v in cycles.items()}
    rul: dict[str, float | None] = {f"rul_cycles{k}": v for k, v in cycles.items()}
    rul.update({f"rul_days{k}": v for k, v in days.items()})
    if theta[0] <= 0 and theta[1] <= 0:
        return "beyond_horizon", "no capacity fade observed", rul
    if point >= HORIZON_CYCLES or days[""] >= horizon_days:
        reason = (
            f"threshold {threshold:g} % not reached within {HORIZON_CYCLES:,.0f} cycles or "
            f"{HORIZON_DAYS / 365.25:.0f} years at the fitted fade"
        )
        return "beyond_horizon", reason, rul
    reason = (
        f"fitted SOCE = 100 - {theta[0]:.4g} sqrt(N) - {theta[1]:.4g} N reaches {threshold:g} %"
        f" at {point:,.0f} cycles; {cpd:.3g} cycles/day observed"
    )
    return "estimated", reason, rul


def grade(
    soce: float | None, fit: FadeFit | None, rul_status: str, events: EventCounts
) -> tuple[str, tuple[str, ...]]:
    """Second-life grade (A, B, C, recycle or ungraded) and the reasons for it."""
    if soce is None or not math.isfinite(soce):
        return "ungraded", ("no SOCE measurement: cannot be graded",)
    order = ("A", "B", "C")
    if soce >= GRADE_A_MIN_SOCE:
        base, reasons = "A", [f"SOCE {soce:.1f} % is at least {GRADE_A_MIN_SOCE:g} % (grade A)"]
    elif soce >= GRADE_B_MIN_SOCE:
        base, reasons = "B", [f"SOCE {soce:.1f} % is at least {GRADE_B_MIN_SOCE:g} % (grade B)"]
    elif soce >= GRADE_C_MIN_SOCE:
        base, reasons = "C", [f"SOCE {soce:.1f} % is at least {GRADE_C_MIN_SOCE:g} % (grade C)"]
    else:
        return "recycle", (
            f"SOCE {soce:.1f} % is below {GRADE_C_MIN_SOCE:g} %, the grade C minimum: recycle",
        )
    caps: list[tuple[str, str]] = []
    if events.accident > 0:
        caps.append(("C", f"{events.accident} accident(s) recorded: at most grade C"))
    dd = events.deep_discharge
    if dd > GRADE_B_MAX_DEEP_DISCHARGES:
        caps.append(
            (
                "C",
                f"{dd} deep discharges (more than {GRADE_B_MAX_DEEP_DISCHARGES}): at most grade C",
            )
        )
    elif dd > GRADE_A_MAX_DEEP_DISCHARGES:
        caps.append(
            (
                "B",
                f"{dd} deep discharges (more than {GRADE_A_MAX_DEEP_DISCHARGES}): at most grade B",
            )
        )
    if events.thermal > GRADE_A_MAX_THERMAL_EVENTS:
        caps.append(
            (
                "B",
                f"{events.thermal} extreme-temperature events (more than "
                f"{GRADE_A_MAX_THERMAL_EVENTS}): at most grade B",
            )
        )
    if fit is None:
        caps.append(("B", f"degradation trend unknown (RUL {rul_status}): at most grade B"))
    else:
        rate = fit.fade_per_1000_cycles
        if rate > GRADE_B_MAX_FADE_PER_1000:
            caps.append(
                (
                    "C",
                    f"fast fade: {rate:.1f} SOCE points per 1000 cycles (more than "
                    f"{GRADE_B_MAX_FADE_PER_1000:g}): at most grade C",
                )
            )
        elif rate > GRADE_A_MAX_FADE_PER_1000:
            caps.append(
                (
                    "B",
                    f"fade of {rate:.1f} SOCE points per 1000 cycles (more than "
                    f"{GRADE_A_MAX_FADE_PER_1000:g}): at most grade B",
                )
            )
    result = base
    for cap, why in caps:
        reasons.append(why)
        if order.index(cap) > order.index(result):
            result = cap
    if not caps:
        reasons.append("no accident, few negative events and a known, moderate fade")
    return result, tuple(reasons)


def chemistry_factor(chemistry: str | None) -> tuple[float, str]:
    """Second-life price factor of a chemistry and the assumption behind it."""
    key = "".join(ch for ch in (chemistry or "").upper() if ch.isalnum())
    if key.startswith("LIFEPO4"):
        key = "LFP"
    key = "NMC" if key.startswith("NCM") else key[:3]
    if key in CHEMISTRY_FACTORS:
        factor = CHEMISTRY_FACTORS[key]
        return factor, f"chemistry {chemistry} read as {key}: factor {factor:g}"
    return DEFAULT_CHEMISTRY_FACTOR, (
        f"chemistry {chemistry or 'not given'} not in the table: default factor "
        f"{DEFAULT_CHEMISTRY_FACTOR:g}"
    )


def residual_value(
    soce: float | None,
    threshold: float,
    *,
    rated_energy_kwh: float | None,
    chemistry: str | None,
    new_price_per_kwh: float | None,
    age_years: float,
) -> tuple[ResidualValue | None, str]:
    """value = E_rated x s x P_new x f_chem x f_age, with s = (SOCE - T) / (100 - T) clipped to
    [0, 1] and f_age = max(AGE_FACTOR_FLOOR, 1 - AGE_DEPRECIATION_PER_YEAR x age)."""
    missing = [
        name
        for name, v in (
            ("SOCE", soce),
            ("rated_energy_kwh", rated_energy_kwh),
            ("new_price_per_kwh", new_price_per_kwh),
        )
        if v is None or not _finite(v) or float(v) < 0
    ]
    if missing:
        return None, "missing or invalid input: " + ", ".join(missing)
    assert soce is not None and rated_energy_kwh is not None and new_price_per_kwh is not None
    share = min(1.0, max(0.0, (soce - threshold) / (100.0 - threshold)))
    f_chem, chem_note = chemistry_factor(chemistry)
    age = max(0.0, float(age_years)) if _finite(age_years) else 0.0
    f_age = max(AGE_FACTOR_FLOOR, 1.0 - AGE_DEPRECIATION_PER_YEAR * age)
    value = float(rated_energy_kwh) * share * float(new_price_per_kwh) * f_chem * f_age
    if not math.isfinite(value):
        return None, "rated energy times price is not a finite number"
    assumptions = (
        "value of the battery as an EV battery: only the energy above the exhaustion threshold "
        f"counts (share {share:.3f} of the band {threshold:g}-100 % SOCE)",
        "the price per kWh is today's price of a new battery, in its currency",
        chem_note,
        f"age {age:.2f} years from the first observation (as proxy for putting into service): "
        f"{AGE_DEPRECIATION_PER_YEAR:.0%} a year for ageing SOCE does not show, "
        f"floor {AGE_FACTOR_FLOOR:g}",
        "no repurposing, testing, transport or dismantling costs are deducted",
    )
    result = ResidualValue(
        value=value,
        rated_energy_kwh=float(rated_energy_kwh),
        remaining_share=share,
        new_price_per_kwh=float(new_price_per_kwh),
        chemistry_factor=f_chem,
        age_factor=f_age,
        age_years=age,
        assumptions=assumptions,
    )
    return result, "estimated"


@dataclass(frozen=True)
class SoceBin:
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class FleetDistribution:
    total: int
    grades: dict[str, int]
    soce_bins: tuple[SoceBin, ...]
    soce_unknown: int
    rul_status: dict[str, int]


def fleet_distribution(
    reports: Iterable[HealthReport], *, bin_edges: Sequence[float] = SOCE_BIN_EDGES
) -> FleetDistribution:
    """Counts per grade and per RUL status and a SOCE histogram; bins are [low, high), the last
    one closed; values below the first edge count in the first bin, above the last in the last."""
    edges = [float(e) for e in bin_edges]
    if len(edges) < 2 or any(h <= lo for lo, h in zip(edges, edges[1:], strict=False)):
        raise ValueError("bin_edges must be at least two increasing values")
    grades = dict.fromkeys(GRADES, 0)
    statuses = dict.fromkeys(("estimated", "beyond_horizon", "exhausted", "unknown"), 0)
    counts = [0] * (len(edges) - 1)
    total = unknown = 0
    for report in reports:
        total += 1
        grades[report.grade] = grades.get(report.grade, 0) + 1
        statuses[report.rul_status] = statuses.get(report.rul_status, 0) + 1
        soce = report.soce_percent
        if soce is None or not math.isfinite(soce):
            unknown += 1
            continue
        index = int(np.searchsorted(edges, soce, side="right")) - 1
        counts[min(max(index, 0), len(counts) - 1)] += 1
    bins = tuple(SoceBin(lo, h, c) for lo, h, c in zip(edges, edges[1:], counts, strict=False))
    return FleetDistribution(total, grades, bins, unknown, statuses)


def synthetic_history(
    days: int,
    cycles_per_day: float,
    a: float,
    b: float,
    noise_sd: float,
    seed: int,
    *,
    start: date = date(2024, 1, 1),
) -> list[HealthPoint]:
    """Daily points with SOCE = 100 - a sqrt(N) - b N + N(0, noise_sd), N = cycles_per_day x
    day index; no negative events."""
    rng = np.random.default_rng(seed)
    n = cycles_per_day * np.arange(days, dtype=float)
    soce = 100.0 - a * np.sqrt(n) - b * n + rng.normal(0.0, noise_sd, days)
    return [
        HealthPoint(start + timedelta(days=i), float(soce[i]), float(n[i])) for i in range(days)
    ]
