"""Demo supply map for the AZ-NMC811-75 pack: each company records what it knows, grants its
lots to its customer, and the carmaker assesses the model and publishes the report.

Mines and ownership are fictional but shaped like the real chain: cobalt from an audited
industrial mine and an artisanal site in Lualaba (DRC), refined in Finland and China;
Australian spodumene refined in China and Chilean brine refined in Chile; Indonesian laterite
through an HPAL plant held 60 % by a Singapore holding that is itself 50 % Chinese-owned (30 %
effective: a FEOC); Chinese natural graphite; recycled cobalt, nickel and lithium from Belgium.
All masses are kg of the contained material for one half-year of production.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.config import Settings
from junkan.diligence import assess, rules, service
from junkan.diligence.models import Lot
from junkan.diligence.schemas import AssessmentIn, SupplyMapIn
from junkan.exchange.service import create_grant
from junkan.identity.service import Caller
from junkan.passport.models import Passport

MODEL = "AZ-NMC811-75"
PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


def _cert(scheme: str, start: str, end: str) -> dict:
    return {"scheme": scheme, "valid_from": start, "valid_until": end}


def _audit(on: str, outcome: str = "conformant", standard: str = "RMI RMAP") -> dict:
    return {"auditor": "Demo Assurance GmbH", "audited_on": on, "standard": standard,
            "outcome": outcome}  # fmt: skip


def _lot(key, site, material, kg, on, inputs=(), origin="primary", form=None, model=None):
    return {
        "key": key, "site": site, "material": material, "mass_kg": kg, "produced_on": on,
        "origin": origin, "form": form, "battery_model": model,
        "inputs": [{"lot": lot, "mass_kg": m, "chain_of_custody": c} for lot, m, c in inputs],
    }  # fmt: skip


def _maps(ids: dict[str, str]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(company, customer it grants its lots to, document); `ids` holds earlier keys' ids."""
    seg, mb = "segregated", "mass_balance"
    return [
        ("cobalt_refiner", "cathode_maker", {
            "entities": [
                {"key": "zug", "name": "Zug Mineral Resources AG", "jurisdiction": "CH"},
                {"key": "state-mining", "name": "Congo State Mining SA", "jurisdiction": "CD"},
                {"key": "lualaba", "name": "Lualaba Copper Cobalt SA", "jurisdiction": "CD",
                 "owners": [{"owner": "zug", "share_percent": 80},
                            {"owner": "state-mining", "share_percent": 20}]},
                {"key": "kasulo-coop", "name": "Kasulo Artisanal Cooperative",
                 "jurisdiction": "CD"},
                {"key": "kokkola", "name": "Kokkola Cobalt Refining Oy", "jurisdiction": "FI"},
                {"key": "zhejiang", "name": "Zhejiang Huadong Cobalt Co., Ltd.",
                 "jurisdiction": "CN"},
            ],
            "sites": [
                {"key": "kolwezi", "name": "Kolwezi industrial copper-cobalt mine",
                 "stage": "mine", "country": "CD", "region": "CD-LU", "latitude": -10.72,
                 "longitude": 25.47, "operator": "lualaba", "method": "open pit",
                 "certifications": [_cert("IRMA 75", "2025-03-01", "2028-02-28")],
                 "audits": [_audit("2025-02-10", standard="IRMA")]},
                {"key": "kasulo", "name": "Kasulo artisanal cobalt site", "stage": "mine",
                 "country": "CD", "region": "CD-LU", "operator": "kasulo-coop",
                 "artisanal": True, "method": "hand-dug"},
                {"key": "kokkola-ref", "name": "Kokkola cobalt refinery", "stage": "refiner",
                 "country": "FI", "operator": "kokkola",
                 "certifications": [_cert("RMI RMAP", "2024-06-01", "2027-05-31")],
                 "audits": [_audit("2024-05-15")]},
                {"key": "quzhou-ref", "name": "Quzhou cobalt refinery", "stage": "refiner",
                 "country": "CN", "operator": "zhejiang",
                 "certifications": [_cert("RMI RMAP", "2022-11-01", "2025-10-31")],
                 "audits": [_audit("2022-10-20")]},
            ],
            "lots": [
                _lot("CO-KOL-2601", "kolwezi", "cobalt", 4000, "2026-01-12",
                     form="cobalt hydroxide"),
                _lot("CO-KAS-2601", "kasulo", "cobalt", 800, "2026-01-20",
                     form="cobalt hydroxide"),
                _lot("CO-FI-2602", "kokkola-ref", "cobalt", 2900, "2026-02-15",
                     [("CO-KOL-2601", 3000, seg)], form="cobalt sulfate"),
                _lot("CO-CN-2602", "quzhou-ref", "cobalt", 1750, "2026-02-20",
                     [("CO-KOL-2601", 1000, mb), ("CO-KAS-2601", 800, mb)],
                     form="cobalt sulfate"),
            ],
        }),
        ("lithium_refiner", "cathode_maker", {
            "entities": [
                {"key": "westralia", "name": "Westralia Spodumene Ltd", "jurisdiction": "AU"},
                {"key": "yalong", "name": "Sichuan Yalong Lithium Chemicals Co., Ltd.",
                 "jurisdiction": "CN"},
                {"key": "andino", "name": "Salar Andino SpA", "jurisdiction": "CL"},
            ],
            "sites": [
                {"key": "pilbara", "name": "Pilbara spodumene mine", "stage": "mine",
                 "country": "AU", "region": "AU-WA", "operator": "westralia",
                 "method": "spodumene", "audits": [_audit("2024-09-01", standard="IRMA")]},
                {"key": "suining", "name": "Suining lithium hydroxide plant", "stage": "refiner",
                 "country": "CN", "operator": "yalong",
                 "certifications": [_cert("RMI RMAP", "2025-01-01", "2027-12-31")],
                 "audits": [_audit("2024-12-01")]},
                {"key": "atacama", "name": "Salar de Atacama brine operation", "stage": "mine",
                 "country": "CL", "region": "CL-AN", "operator": "andino", "method": "brine",
                 "certifications": [_cert("IRMA 50", "2024-04-01", "2027-03-31")],
                 "audits": [_audit("2024-03-10", standard="IRMA")]},
                {"key": "antofagasta", "name": "Antofagasta lithium carbonate plant",
                 "stage": "refiner", "country": "CL", "operator": "andino",
                 "certifications": [_cert("RMI RMAP", "2024-04-01", "2027-03-31")],
                 "audits": [_audit("2024-03-12")]},
            ],
            "lots": [
                _lot("LI-PIL-2601", "pilbara", "lithium", 4000, "2026-01-08",
                     form="spodumene concentrate"),
                _lot("LI-SUI-2602", "suining", "lithium", 3800, "2026-02-10",
                     [("LI-PIL-2601", 4000, seg)], form="lithium hydroxide"),
                _lot("LI-ATA-2601", "atacama", "lithium", 3000, "2026-01-15", form="brine"),
                _lot("LI-ANT-2602", "antofagasta", "lithium", 2900, "2026-02-12",
                     [("LI-ATA-2601", 3000, seg)], form="lithium carbonate"),
            ],
        }),
        ("nickel_producer", "cathode_maker", {
            "entities": [
                {"key": "jiangsu", "name": "Jiangsu Nickel Group Co., Ltd.", "jurisdiction": "CN"},
                {"key": "sg-holding", "name": "Sulawesi Nickel Investment Pte. Ltd.",
                 "jurisdiction": "SG", "owners": [{"owner": "jiangsu", "share_percent": 50}]},
                {"key": "hpal", "name": "PT Morowali Nickel Hidrometalurgi", "jurisdiction": "ID",
                 "owners": [{"owner": "sg-holding", "share_percent": 60}]},
                {"key": "laterit", "name": "PT Laterit Sulawesi Tengah", "jurisdiction": "ID"},
            ],
            "sites": [
                {"key": "laterite-mine", "name": "Morowali laterite mine", "stage": "mine",
                 "country": "ID", "region": "ID-ST", "operator": "laterit",
                 "method": "laterite", "audits": [_audit("2025-06-01", "conditional", "IRMA")]},
                {"key": "hpal-plant", "name": "Morowali HPAL plant", "stage": "refiner",
                 "country": "ID", "region": "ID-ST", "operator": "hpal", "method": "HPAL"},
            ],
            "lots": [
                _lot("NI-MOR-2601", "laterite-mine", "nickel", 40000, "2026-01-05",
                     form="limonite ore"),
                _lot("NI-HPAL-2602", "hpal-plant", "nickel", 38000, "2026-02-01",
                     [("NI-MOR-2601", 40000, seg)], form="mixed hydroxide precipitate"),
            ],
        }),
        ("recycler", "cathode_maker", {
            "entities": [{"key": "hoboken", "name": "Hoboken Battery Recycling NV",
                          "jurisdiction": "BE"}],
            "sites": [{"key": "hoboken-plant", "name": "Hoboken battery recycling plant",
                       "stage": "recycler", "country": "BE", "operator": "hoboken"}],
            "lots": [
                _lot("R-CO-2602", "hoboken-plant", "cobalt", 600, "2026-02-01",
                     origin="post_consumer", form="cobalt sulfate"),
                _lot("R-NI-2602", "hoboken-plant", "nickel", 4000, "2026-02-01",
                     origin="post_consumer", form="nickel sulfate"),
                _lot("R-LI-2602", "hoboken-plant", "lithium", 300, "2026-02-01",
                     origin="pre_consumer", form="lithium carbonate"),
            ],
        }),
        ("anode_maker", "cell_maker", {
            "entities": [
                {"key": "jixi-mining", "name": "Jixi Natural Graphite Mining Co.",
                 "jurisdiction": "CN"},
                {"key": "jixi-anode", "name": "Heilongjiang Jixi Graphite Anode Co., Ltd.",
                 "jurisdiction": "CN"},
            ],
            "sites": [
                {"key": "jixi-mine", "name": "Jixi flake graphite mine", "stage": "mine",
                 "country": "CN", "region": "CN-HL", "operator": "jixi-mining"},
                {"key": "jixi-plant", "name": "Jixi spherical graphite and anode plant",
                 "stage": "anode", "country": "CN", "region": "CN-HL", "operator": "jixi-anode"},
            ],
            "lots": [
                _lot("G-JIX-2601", "jixi-mine", "natural_graphite", 80000, "2026-01-10",
                     form="flake graphite concentrate"),
                _lot("G-ANO-2602", "jixi-plant", "natural_graphite", 76000, "2026-02-20",
                     [("G-JIX-2601", 80000, seg)], form="coated spherical graphite"),
            ],
        }),
        ("cathode_maker", "cell_maker", {
            "entities": [{"key": "niihama", "name": "Niihama Cathode Materials K.K.",
                          "jurisdiction": "JP"}],
            "sites": [{"key": "niihama-plant", "name": "Niihama cathode plant",
                       "stage": "cathode", "country": "JP", "operator": "niihama"}],
            "lots": [
                _lot("CAM-CO-2603", "niihama-plant", "cobalt", 5000, "2026-03-10",
                     [(ids["CO-FI-2602"], 2900, seg), (ids["CO-CN-2602"], 1500, mb),
                      (ids["R-CO-2602"], 600, seg)], form="NMC811 cathode active material"),
                _lot("CAM-NI-2603", "niihama-plant", "nickel", 45000, "2026-03-10",
                     [(ids["NI-HPAL-2602"], 38000, seg), (ids["R-NI-2602"], 4000, seg)],
                     form="NMC811 cathode active material"),
                _lot("CAM-LI-2603", "niihama-plant", "lithium", 7000, "2026-03-10",
                     [(ids["LI-SUI-2602"], 3800, seg), (ids["LI-ANT-2602"], 2900, seg),
                      (ids["R-LI-2602"], 300, seg)], form="NMC811 cathode active material"),
            ],
        }),
        ("cell_maker", "carmaker", {
            "entities": [{"key": "himeji", "name": "Himeji Battery Cell Co., Ltd.",
                          "jurisdiction": "JP"}],
            "sites": [{"key": "himeji-plant", "name": "Himeji cell plant", "stage": "cell",
                       "country": "JP", "operator": "himeji"}],
            "lots": [
                _lot(f"CELL-{m[:2].upper()}-2604", "himeji-plant", m, kg, "2026-04-05",
                     [(ids[source], used, seg)], form="NMC811 pouch cells")
                for m, kg, source, used in (
                    ("cobalt", 4950, "CAM-CO-2603", 5000),
                    ("nickel", 44500, "CAM-NI-2603", 45000),
                    ("lithium", 6900, "CAM-LI-2603", 7000),
                    ("natural_graphite", 75000, "G-ANO-2602", 76000),
                )
            ],
        }),
        ("carmaker", None, {
            "entities": [{"key": "aizu", "name": "Aizu Motors Corporation", "jurisdiction": "JP"}],
            "sites": [{"key": "aizu-pack", "name": "Aizuwakamatsu pack assembly",
                       "stage": "pack", "country": "JP", "operator": "aizu"}],
            "lots": [
                _lot(f"PACK-{m[:2].upper()}-2605", "aizu-pack", m, kg, "2026-05-10",
                     [(ids[f"CELL-{m[:2].upper()}-2604"], kg, seg)], form="battery packs",
                     model=MODEL)
                for m, kg in (("cobalt", 4950), ("nickel", 44500), ("lithium", 6900),
                              ("natural_graphite", 75000))
            ],
        }),
    ]  # fmt: skip


class _Ids(dict):
    """Keys of lots recorded so far; a document built before its inputs exist sees a
    placeholder and is rebuilt once they do."""

    def __missing__(self, key: str) -> str:
        return f"pending:{key}"


def seed_diligence(session: Session, callers: dict[str, Caller], settings: Settings) -> None:
    carmaker = callers["carmaker"]
    if session.scalar(select(Lot.id).where(Lot.owner_id == carmaker.participant_id).limit(1)):
        return
    ids = _Ids()
    for index in range(len(_maps(ids))):
        company, customer, document = _maps(ids)[index]
        recorded = service.import_map(session, callers[company], SupplyMapIn(**document))
        ids.update(recorded["lots"])
        if customer:
            create_grant(
                session,
                callers[company],
                callers[customer].participant_id,
                "lot:*",
                "supply-chain due diligence of delivered material",
                datetime.now(UTC) + timedelta(days=730),
            )
    issued = session.scalar(
        select(Passport.id)
        .where(Passport.operator_id == carmaker.participant_id, Passport.battery_model == MODEL)
        .limit(1)
    )
    request = AssessmentIn(
        battery_model=MODEL, period_start=PERIOD[0], period_end=PERIOD[1], publish=bool(issued)
    )
    assess.run(
        session,
        carmaker,
        request,
        assess.limits_of(settings),
        rules.load_cahra(settings.cahra_file),
        assess.report_url(settings, carmaker.participant_id, MODEL),
    )
