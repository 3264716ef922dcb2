"""The demo cast: a battery value chain from mines to recycler, with valid identifiers."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.identity import schemas, service
from junkan.identity.identifiers import (
    bpn_with_check,
    gln_with_check,
    jp_corporate_number_with_check,
    lei_with_check,
)
from junkan.identity.models import ApiClient, Identifier, Participant, Role
from junkan.ledger.service import PLATFORM

DEMO_CLIENT_NAME = "demo"


@dataclass(frozen=True)
class CastMember:
    key: str
    name: str
    country: str
    roles: tuple[Role, ...]
    sites: tuple[tuple[str, str], ...] = ()  # (name, country)
    jp_corporate_number: str | None = None  # 12-digit body; the check digit is computed
    lei: str | None = None  # 18-character body; the check digits are computed
    gln_prefix: str | None = None  # GS1 company prefix for site GLNs
    extra_identifiers: list[dict] = field(default_factory=list)


CAST: tuple[CastMember, ...] = (
    CastMember(
        "lithium_refiner",
        "Sichuan Yalong Lithium Chemicals Co., Ltd.",
        "CN",
        (Role.SUPPLIER,),
        (("Suining lithium hydroxide plant", "CN"),),
        lei="3003004CHLITH1RF01",
        gln_prefix="6901234",
    ),
    CastMember(
        "cobalt_refiner",
        "Kokkola Cobalt Refining Oy",
        "FI",
        (Role.SUPPLIER,),
        (("Kokkola cobalt refinery", "FI"),),
        lei="743700COBALTKOKK01",
        gln_prefix="6412345",
    ),
    CastMember(
        "nickel_producer",
        "PT Morowali Nickel Hidrometalurgi",
        "ID",
        (Role.SUPPLIER,),
        (("Morowali HPAL plant", "ID"),),
        lei="2549007NICKELHPAL1",
        gln_prefix="8991234",
    ),
    CastMember(
        "anode_maker",
        "Heilongjiang Jixi Graphite Anode Co., Ltd.",
        "CN",
        (Role.SUPPLIER,),
        (("Jixi spherical graphite and anode plant", "CN"),),
        gln_prefix="6909876",
    ),
    CastMember(
        "cathode_maker",
        "Niihama Cathode Materials K.K.",
        "JP",
        (Role.SUPPLIER,),
        (("Niihama cathode plant", "JP"),),
        jp_corporate_number="500001023456",
        lei="353800CATHODENIIH1",
        gln_prefix="4512345",
    ),
    CastMember(
        "cell_maker",
        "Himeji Battery Cell Co., Ltd.",
        "JP",
        (Role.SUPPLIER,),
        (("Himeji cell plant", "JP"),),
        jp_corporate_number="414001098765",
        gln_prefix="4598765",
    ),
    CastMember(
        "pack_maker",
        "Sachsen Battery Systems GmbH",
        "DE",
        (Role.SUPPLIER, Role.ECONOMIC_OPERATOR),
        (("Leipzig pack plant", "DE"),),
        lei="529900PACKSACHSEN1",
        gln_prefix="4012345",
    ),
    CastMember(
        "carmaker",
        "Aizu Motors Corporation",
        "JP",
        (Role.ECONOMIC_OPERATOR,),
        (("Aizuwakamatsu vehicle plant", "JP"), ("Aizu Motors Europe, Antwerp", "BE")),
        jp_corporate_number="238001012345",
        lei="353800AIZUMOTORS01",
        gln_prefix="4934567",
    ),
    CastMember(
        "repairer",
        "Rhein EV Werkstatt GmbH",
        "DE",
        (Role.REPAIRER,),
        (("Köln workshop", "DE"),),
        gln_prefix="4045678",
    ),
    CastMember(
        "second_life_operator",
        "Kyushu Second Life Energy K.K.",
        "JP",
        (Role.SECOND_LIFE_OPERATOR, Role.REMANUFACTURER, Role.ECONOMIC_OPERATOR),
        (("Kitakyushu repurposing centre", "JP"),),
        jp_corporate_number="629001034567",
    ),
    CastMember(
        "recycler",
        "Hoboken Battery Recycling NV",
        "BE",
        (Role.RECYCLER,),
        (("Hoboken hydrometallurgical plant", "BE"),),
        lei="549300RECYCLEHOBO1",
        gln_prefix="5412345",
    ),
    CastMember("notified_body", "Europäische Batterieprüfstelle GmbH", "DE", (Role.NOTIFIED_BODY,)),
    CastMember(
        "market_surveillance",
        "Federal Battery Market Surveillance Office",
        "DE",
        (Role.MARKET_SURVEILLANCE,),
    ),
    CastMember("commission", "European Commission, DG GROW", "BE", (Role.EUROPEAN_COMMISSION,)),
    CastMember("platform_operator", "Junkan Node Operator", "JP", (Role.PLATFORM_OPERATOR,)),
)


def _bpn_body(index: int, kind: str, site: int = 0) -> str:
    return f"{index:08d}JK" if kind == "L" else f"{index:04d}{site:04d}J{kind}"


def identifiers_for(index: int, member: CastMember) -> schemas.ParticipantIn:
    ids = [{"scheme": "bpnl", "value": bpn_with_check("L", _bpn_body(index, "L"))}]
    if member.jp_corporate_number:
        ids.append(
            {
                "scheme": "jp-corporate-number",
                "value": jp_corporate_number_with_check(member.jp_corporate_number),
            }
        )
    if member.lei:
        ids.append({"scheme": "lei", "value": lei_with_check(member.lei)})
    sites = []
    for number, (site_name, site_country) in enumerate(member.sites, start=1):
        site_ids = [
            {
                "scheme": f"bpn{kind.lower()}",
                "value": bpn_with_check(kind, _bpn_body(index, kind, number)),
            }
            for kind in ("S", "A")  # the site, and its address
        ]
        if member.gln_prefix:
            body = (member.gln_prefix + f"{number:05d}")[:12]
            site_ids.append({"scheme": "gln", "value": gln_with_check(body)})
        sites.append({"name": site_name, "country": site_country, "identifiers": site_ids})
    return schemas.ParticipantIn.model_validate(
        {
            "name": member.name,
            "country": member.country,
            "roles": list(member.roles),
            "identifiers": ids + member.extra_identifiers,
            "sites": sites,
        }
    )


def seed_cast(session: Session) -> list[dict]:
    """Create (or find) each cast member and give it a fresh demo client credential."""
    out = []
    for index, member in enumerate(CAST, start=1):
        data = identifiers_for(index, member)
        bpnl = data.identifiers[0].value
        participant = session.scalar(
            select(Participant)
            .join(Identifier)
            .where(Identifier.scheme == "bpnl", Identifier.value == bpnl)
        )
        if participant is None:
            participant = service.create_participant(session, data, actor=PLATFORM)
        for old in session.scalars(
            select(ApiClient).where(
                ApiClient.participant_id == participant.id,
                ApiClient.name == DEMO_CLIENT_NAME,
                ApiClient.revoked_at.is_(None),
            )
        ):
            service.revoke_client(session, participant, old.client_id, actor=PLATFORM)
        client, secret = service.create_client(
            session, participant, DEMO_CLIENT_NAME, actor=PLATFORM
        )
        out.append(
            {
                "key": member.key,
                "id": participant.id,
                "name": participant.name,
                "roles": participant.role_names,
                "client_id": client.client_id,
                "client_secret": secret,
                "identifiers": [
                    {"scheme": i.scheme, "value": i.value}
                    for i in participant.identifiers
                    if i.site_id is None
                ],
            }
        )
    return out
