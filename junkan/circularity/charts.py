"""Charts as HTML that works on a closed network: whole pages with plotly.js inlined for the
API, or fragments for web pages, which load plotly.js once from /static/vendor/."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go

from junkan.circularity.health import FleetDistribution, HealthReport


def _html(figure: go.Figure, title: str, fragment: bool = False) -> str:
    figure.update_layout(title=title, template="plotly_white", margin={"t": 60, "l": 50, "r": 20})
    if fragment:
        return figure.to_html(include_plotlyjs=False, full_html=False)
    return figure.to_html(include_plotlyjs=True, full_html=True)


CHART_LABELS = {
    "soce": "SOCE (daily)",
    "projected": "fitted fade, projected",
    "band": "exhaustion, 10th–90th percentile",
    "threshold": "capacity threshold",
    "axis": "SOCE %",
}


def soce_chart(
    report: HealthReport,
    days: list,
    soce: list,
    cycles: list,
    title: str,
    fragment: bool = False,
    labels: dict[str, str] | None = None,
) -> str:
    """SOCE over time, the fitted fade projected to the threshold, and the RUL band.

    `labels` replaces the English trace and axis names (a page in another language)."""
    text = CHART_LABELS | (labels or {})
    figure = go.Figure()
    figure.add_scatter(x=days, y=soce, mode="markers", name=text["soce"], marker={"size": 4})
    threshold = report.capacity_threshold_percent
    if report.fit and report.cycles_per_day and report.last_day and report.rul_days:
        a, b = report.fit.a, report.fit.b
        horizon = int(min(report.rul_days_high or report.rul_days, 365 * 30)) + 1
        step = max(1, horizon // 200)
        ahead = [report.last_day + timedelta(days=d) for d in range(0, horizon, step)]
        n = [report.full_cycles + report.cycles_per_day * d for d in range(0, horizon, step)]
        projected = [100 - a * x**0.5 - b * x for x in n]
        figure.add_scatter(x=ahead, y=projected, mode="lines", name=text["projected"])
        if report.rul_days_low is not None and report.rul_days_high is not None:
            figure.add_vrect(
                x0=report.last_day + timedelta(days=report.rul_days_low),
                x1=report.last_day + timedelta(days=report.rul_days_high),
                fillcolor="orange",
                opacity=0.2,
                line_width=0,
                annotation_text=text["band"],
            )
    figure.add_hline(y=threshold, line_dash="dash", annotation_text=text["threshold"])
    figure.update_yaxes(title=text["axis"])
    return _html(figure, title, fragment)


def fleet_chart(distribution: FleetDistribution, title: str) -> str:
    """Fleet state of health: SOCE histogram and second-life grades."""
    figure = go.Figure()
    labels = [f"{b.low:g}–{b.high:g}" for b in distribution.soce_bins]
    figure.add_bar(x=labels, y=[b.count for b in distribution.soce_bins], name="batteries")
    figure.update_xaxes(title="SOCE %")
    figure.update_yaxes(title="batteries")
    grades = ", ".join(f"{k}: {v}" for k, v in distribution.grades.items())
    return _html(figure, f"{title} — grades {grades}")
