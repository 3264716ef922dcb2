"""Declared risk rules, the CAHRA list, and CRMA concentration indices.

A rule is data (an id, the OECD Due Diligence Guidance step it serves, a severity and what it
checks) plus one function from the traced supply chain to findings. Every finding carries the
evidence that produced it: sites, lots, shares and kilograms.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from junkan.diligence import feoc
from junkan.diligence.models import Audit, Certification, Lot, SupplySite
from junkan.diligence.schemas import CRMA_STAGES, MINERAL_STAGES, Stage
from junkan.diligence.trace import UNKNOWN, Trace

OECD_STEPS = {
    1: "Establish strong company management systems",
    2: "Identify and assess risks in the supply chain",
    3: "Design and implement a strategy to respond to identified risks",
    4: "Carry out independent third-party audit of supply chain due diligence",
    5: "Report annually on supply chain due diligence",
}
EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
DEFAULT_CAHRA_FILE = Path(__file__).parent / "data" / "cahra.csv"
UPSTREAM = (Stage.MINE.value, Stage.REFINER.value)  # where certification and audits matter


@dataclass(frozen=True)
class CahraList:
    areas: dict[str, set[str | None]]  # country -> regions (None: the whole country)
    source: str
    sha256: str

    def covers(self, country: str, region: str | None) -> bool:
        regions = self.areas.get(country, set())
        return None in regions or (region is not None and region in regions)


def load_cahra(path: Path | None) -> CahraList:
    """Read the list; a malformed file is an error naming its line, not an empty list."""
    path = path or DEFAULT_CAHRA_FILE
    raw = path.read_bytes()
    areas: dict[str, set[str | None]] = defaultdict(set)
    for line, row in enumerate(csv.DictReader(raw.decode("utf-8").splitlines()), start=2):
        country = (row.get("country") or "").strip().upper()
        region = (row.get("region") or "").strip().upper() or None
        if len(country) != 2 or (region and not region.startswith(f"{country}-")):
            raise ValueError(f"{path}, line {line}: country and region must be ISO 3166 codes")
        areas[country].add(region)
    return CahraList(dict(areas), str(path), hashlib.sha256(raw).hexdigest())


@dataclass(frozen=True)
class Limits:
    unknown_share_percent: float = 5.0
    audit_max_age_days: int = 3 * 365
    crma_cap_percent: float = 65.0
    feoc_threshold: float = feoc.DEFAULT_THRESHOLD
    feoc_jurisdictions: frozenset[str] = frozenset(feoc.DEFAULT_JURISDICTIONS)


@dataclass
class Chain:
    """The traced supply chain of one battery model, as the rules see it."""

    as_of: date
    traces: dict[str, Trace]
    lots: dict[str, Lot]
    sites: dict[str, SupplySite]
    certifications: dict[str, list[Certification]]
    audits: dict[str, list[Audit]]
    feoc: dict[str, feoc.FeocStatus]
    entity_names: dict[str, str]
    cahra: CahraList
    limits: Limits
    site_kg: dict[str, dict[str, float]] = field(default_factory=dict)  # site -> material -> kg
    site_lots: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kg: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        lots: dict[str, list[str]] = defaultdict(list)
        for material, trace in self.traces.items():
            for lot_id, mass in trace.through.items():
                if mass > 0:
                    site = self.lots[lot_id].site_id
                    kg[site][material] += mass
                    lots[site].append(lot_id)
        self.site_kg = {s: dict(m) for s, m in kg.items()}
        self.site_lots = {s: sorted(set(ids)) for s, ids in lots.items()}

    def share(self, site_id: str) -> dict[str, dict[str, float]]:
        return {
            m: {"kg": kg, "share_percent": 100 * kg / self.traces[m].total}
            for m, kg in self.site_kg.get(site_id, {}).items()
            if self.traces[m].total
        }

    def site_evidence(self, site_id: str, **extra: Any) -> dict[str, Any]:
        site = self.sites[site_id]
        return {
            "site": site.id,
            "site_name": site.name,
            "stage": site.stage,
            "country": site.country,
            "region": site.region,
            "materials": self.share(site_id),
            "lots": self.site_lots.get(site_id, []),
            **extra,
        }


@dataclass
class Draft:
    rule: str
    subject: str
    summary: str
    evidence: dict[str, Any]
    severity: str | None = None  # None: the rule's own


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    oecd_step: int
    severity: str
    checks: str
    find: Callable[[Chain], Iterator[Draft]]


def _traced_sites(chain: Chain, stages: tuple[str, ...] | None = None) -> list[SupplySite]:
    return [
        chain.sites[s]
        for s in sorted(chain.site_kg)
        if stages is None or chain.sites[s].stage in stages
    ]


def _cahra(chain: Chain) -> Iterator[Draft]:
    for site in _traced_sites(chain):
        if chain.cahra.covers(site.country, site.region):
            where = site.region or site.country
            yield Draft(
                "cahra-origin",
                f"site:{site.id}",
                f"{site.name} ({site.stage}) is in a conflict-affected or high-risk area ({where})",
                chain.site_evidence(site.id, list_source=chain.cahra.source),
            )


def _artisanal(chain: Chain) -> Iterator[Draft]:
    for site in _traced_sites(chain):
        if site.artisanal:
            yield Draft(
                "artisanal-mining",
                f"site:{site.id}",
                f"{site.name} is artisanal or small-scale mining (OECD Annex II risks, "
                "including the worst forms of child labour, need enhanced due diligence)",
                chain.site_evidence(site.id),
            )


def _certification(chain: Chain) -> Iterator[Draft]:
    for site in _traced_sites(chain, UPSTREAM):
        certs = chain.certifications.get(site.id, [])
        uncovered = [
            lot_id
            for lot_id in chain.site_lots[site.id]
            if not any(
                c.valid_from <= chain.lots[lot_id].produced_on <= c.valid_until for c in certs
            )
        ]
        if not uncovered:
            continue
        if not certs:
            summary = f"{site.name} holds no certification"
        else:
            latest = max(certs, key=lambda c: c.valid_until)
            summary = (
                f"{site.name}: {latest.scheme} certification not valid for "
                f"{len(uncovered)} lot(s) (valid {latest.valid_from} to {latest.valid_until})"
            )
        yield Draft(
            "certification",
            f"site:{site.id}",
            summary,
            chain.site_evidence(
                site.id,
                uncovered_lots=uncovered,
                certifications=[
                    {
                        "scheme": c.scheme,
                        "valid_from": str(c.valid_from),
                        "valid_until": str(c.valid_until),
                    }
                    for c in certs
                ],
            ),
        )


def _audit(chain: Chain) -> Iterator[Draft]:
    oldest = chain.as_of - timedelta(days=chain.limits.audit_max_age_days)
    for site in _traced_sites(chain, UPSTREAM):
        done = [a for a in chain.audits.get(site.id, []) if a.audited_on <= chain.as_of]
        latest = max(done, key=lambda a: a.audited_on) if done else None
        if latest and latest.audited_on >= oldest and latest.outcome != "nonconformant":
            continue
        if latest is None:
            summary, severity = f"{site.name} has no audit on record", None
        elif latest.outcome == "nonconformant":
            summary, severity = f"{site.name} failed its last audit ({latest.audited_on})", "high"
        else:
            summary = f"{site.name} was last audited on {latest.audited_on}, before {oldest}"
            severity = None
        last = latest and {
            "auditor": latest.auditor,
            "audited_on": str(latest.audited_on),
            "standard": latest.standard,
            "outcome": latest.outcome,
        }
        yield Draft(
            "audit",
            f"site:{site.id}",
            summary,
            chain.site_evidence(site.id, last_audit=last),
            severity,
        )


def _unknown(chain: Chain) -> Iterator[Draft]:
    for material, trace in sorted(chain.traces.items()):
        share = 100 * trace.unknown / trace.total if trace.total else 0.0
        if share > chain.limits.unknown_share_percent:
            lots = sorted(to for (source, to) in trace.flows if source == UNKNOWN)
            yield Draft(
                "unknown-origin",
                f"material:{material}",
                f"{share:.1f} % of the {material} is of unknown origin "
                f"(threshold {chain.limits.unknown_share_percent:g} %)",
                {
                    "material": material,
                    "unknown_kg": trace.unknown,
                    "share_percent": share,
                    "lots_with_undeclared_inputs": lots,
                },
            )


def _feoc(chain: Chain) -> Iterator[Draft]:
    for site in _traced_sites(chain):
        status = chain.feoc.get(site.operator_id or "")
        if status and status.of_concern:
            kind = "critical mineral" if site.stage in MINERAL_STAGES else "battery component"
            yield Draft(
                "feoc",
                f"site:{site.id}",
                f"{site.name} ({kind}, {site.stage}) is operated by a foreign entity of concern: "
                f"{chain.entity_names[site.operator_id]} — {'; '.join(status.reasons)}",
                chain.site_evidence(
                    site.id,
                    kind=kind,
                    entity=chain.entity_names[site.operator_id],
                    reasons=status.reasons,
                    chains=[
                        {
                            "owners": [chain.entity_names[o] for o in path],
                            "share_percent": share * 100,
                        }
                        for path, share in status.chains
                    ],
                ),
            )


def _operator_unknown(chain: Chain) -> Iterator[Draft]:
    for site in _traced_sites(chain):
        if site.operator_id is None:
            yield Draft(
                "operator-unknown",
                f"site:{site.id}",
                f"{site.name} has no recorded operator, so its ownership cannot be checked",
                chain.site_evidence(site.id),
            )


def _crma(chain: Chain) -> Iterator[Draft]:
    for material, stages in crma_indices(chain).items():
        for stage, index in stages.items():
            for country, share in index["countries"].items():
                if country not in EU_MEMBERS and share > chain.limits.crma_cap_percent:
                    yield Draft(
                        "crma-concentration",
                        f"crma:{material}:{stage}:{country}",
                        f"{share:.1f} % of the {material} {stage} is in {country}, above the "
                        f"CRMA benchmark of {chain.limits.crma_cap_percent:g} % for one third "
                        "country",
                        {"material": material, "stage": stage, "country": country, **index},
                    )


RULES = (
    Rule("cahra-origin", "Origin in a conflict-affected or high-risk area", 2, "high",
         "any traced site in an area of the CAHRA list", _cahra),
    Rule("artisanal-mining", "Artisanal and small-scale mining", 2, "high",
         "any traced site that is artisanal or small-scale mining", _artisanal),
    Rule("unknown-origin", "Origin unknown above the threshold", 2, "high",
         "per material, the share traced to no mine or recycler", _unknown),
    Rule("feoc", "Foreign entity of concern", 2, "high",
         "traced sites operated by an entity of concern (jurisdiction, holding, control)", _feoc),
    Rule("operator-unknown", "Operator not recorded", 2, "low",
         "traced sites without an operator, whose ownership cannot be checked", _operator_unknown),
    Rule("crma-concentration", "Dependence on one third country", 2, "medium",
         "per material and stage, one non-EU country's share above the CRMA benchmark", _crma),
    Rule("certification", "Missing or expired certification", 4, "medium",
         "mines and refiners without a certification valid when each lot was made",
         _certification),
    Rule("audit", "Missing or outdated audit", 4, "medium",
         "mines and refiners without a conformant audit within the maximum age", _audit),
)  # fmt: skip


def run_rules(chain: Chain) -> list[dict[str, Any]]:
    findings = []
    for rule in RULES:
        for draft in rule.find(chain):
            findings.append(
                {
                    "rule": rule.id,
                    "title": rule.title,
                    "oecd_step": rule.oecd_step,
                    "severity": draft.severity or rule.severity,
                    "subject": draft.subject,
                    "summary": draft.summary,
                    "evidence": draft.evidence,
                }
            )
    return findings


def declared_rules(limits: Limits) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "title": r.title, "oecd_step": r.oecd_step, "severity": r.severity,
         "checks": r.checks}
        for r in RULES
    ] + [{"limits": {
        "unknown_share_percent": limits.unknown_share_percent,
        "audit_max_age_days": limits.audit_max_age_days,
        "crma_cap_percent": limits.crma_cap_percent,
        "feoc_threshold_percent": limits.feoc_threshold * 100,
        "feoc_jurisdictions": sorted(limits.feoc_jurisdictions),
    }}]  # fmt: skip


def hhi(shares_percent: dict[str, float]) -> float:
    """Herfindahl–Hirschman index over percentage shares: 10,000 is a single source."""
    return sum(share**2 for share in shares_percent.values())


def crma_indices(chain: Chain) -> dict[str, dict[str, dict[str, Any]]]:
    """Per material and CRMA stage: each country's share of what passed that stage, the HHI,
    and how much of the material's mass the stage accounts for."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for material, trace in sorted(chain.traces.items()):
        by_stage: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for lot_id, mass in trace.through.items():
            site = chain.sites[chain.lots[lot_id].site_id]
            stage = CRMA_STAGES.get(Stage(site.stage))
            if stage and mass > 0:
                by_stage[stage][site.country] += mass
        out[material] = {}
        for stage, countries in by_stage.items():
            total = sum(countries.values())
            shares = {
                c: 100 * kg / total for c, kg in sorted(countries.items(), key=lambda x: -x[1])
            }
            out[material][stage] = {
                "countries": shares,
                "hhi": hhi(shares),
                "traced_kg": total,
                "coverage_percent": 100 * total / trace.total if trace.total else 0.0,
            }
    return out
