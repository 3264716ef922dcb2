"""The due-diligence report: one assessment laid out along the OECD five steps, as HTML with
a material-flow Sankey (plotly.js inlined: works on a closed network) or as PDF."""

from __future__ import annotations

import copy
from typing import Any

import plotly.graph_objects as go

from junkan.diligence.rules import EU_MEMBERS, OECD_STEPS
from junkan.diligence.schemas import Stage
from junkan.diligence.trace import UNKNOWN
from junkan.web import templates

STAGE_ORDER = [s.value for s in Stage]
MATERIAL_COLOURS = {
    "cobalt": "rgba(52, 101, 164, 0.5)",
    "lithium": "rgba(204, 0, 0, 0.45)",
    "nickel": "rgba(78, 154, 6, 0.5)",
    "natural_graphite": "rgba(85, 87, 83, 0.5)",
    "manganese": "rgba(117, 80, 123, 0.5)",
}
LOT_KEYS = ("lots", "uncovered_lots", "lots_with_undeclared_inputs", "breaking_lots")


def redact(result: dict[str, Any], readable: set[str] | None) -> dict[str, Any]:
    """Lot ids only for those who may read the lot; others see how many there are."""
    if readable is None:
        return result
    shown = copy.deepcopy(result)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in list(node):
                if key in LOT_KEYS and isinstance(node[key], list):
                    visible = [lot for lot in node[key] if lot in readable]
                    node[f"{key}_withheld"] = len(node[key]) - len(visible)
                    node[key] = visible
                else:
                    walk(node[key])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(shown)
    return shown


def sankey(result: dict[str, Any]) -> go.Figure:
    """Mass from mines (and recyclers, and unknown sources) through each site to the packs."""
    sites = result["sites"]
    used = {f["from"] for f in result["flows"]} | {f["to"] for f in result["flows"]}
    order = sorted(
        used,
        key=lambda s: (
            (-1, "") if s == UNKNOWN else (STAGE_ORDER.index(sites[s]["stage"]), sites[s]["name"])
        ),
    )
    index = {s: i for i, s in enumerate(order)}
    labels = [
        "Unknown origin" if s == UNKNOWN
        else f"{sites[s]['name']} ({sites[s]['stage']}, {sites[s]['country']})"
        for s in order
    ]  # fmt: skip
    flows = result["flows"]
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "pad": 14, "thickness": 14},
            link={
                "source": [index[f["from"]] for f in flows],
                "target": [index[f["to"]] for f in flows],
                "value": [round(f["kg"], 3) for f in flows],
                "label": [f["material"] for f in flows],
                "color": [
                    MATERIAL_COLOURS.get(f["material"], "rgba(150,150,150,0.5)") for f in flows
                ],
                "hovertemplate": "%{label}: %{value:,.0f} kg<extra></extra>",
            },
        )
    )
    figure.update_layout(
        title=f"Material flow into {result['battery_model']} (kg of contained material)",
        margin={"t": 50, "l": 10, "r": 10, "b": 10},
        height=520,
        template="plotly_white",
    )
    return figure


def context(
    result: dict[str, Any],
    assessment: Any,
    operator: str,
    actions: dict[str, list],
    statuses: dict[str, str],
    ledger_seq: int | None,
    chart: bool,
    plotlyjs: bool = True,
) -> dict[str, Any]:
    """`plotlyjs=False` for pages that load plotly.js themselves (/static/vendor/)."""
    findings = result["findings"]
    return {
        "r": result,
        "assessment": assessment,
        "operator": operator,
        "steps": OECD_STEPS,
        "findings_by_step": {
            step: [f for f in findings if f["oecd_step"] == step] for step in OECD_STEPS
        },
        "actions": actions,
        "statuses": statuses,
        "eu": EU_MEMBERS,
        "ledger_seq": ledger_seq,
        "chart": (
            sankey(result).to_html(include_plotlyjs=plotlyjs, full_html=False)
            if chart and result["flows"]
            else None
        ),
    }


def html(**kwargs: Any) -> str:
    return templates.get_template("diligence_report.html").render(**context(**kwargs, chart=True))


class PdfUnavailable(RuntimeError):
    pass


def pdf(**kwargs: Any) -> bytes:
    """The same report on paper; the chart is interactive only, so the PDF keeps the tables."""
    try:
        from weasyprint import HTML  # system Pango needed: imported only when asked for
    except (ImportError, OSError) as exc:  # pragma: no cover - depends on the machine
        raise PdfUnavailable(f"PDF rendering is not available on this node: {exc}") from exc
    page = templates.get_template("diligence_report.html").render(**context(**kwargs, chart=False))
    return HTML(string=page).write_pdf()
