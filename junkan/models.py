"""Imports every domain's tables so that metadata and migrations see all of them."""

from junkan.circularity.models import Batch, DailyAggregate, Reading  # noqa: F401
from junkan.diligence.models import (  # noqa: F401
    Assessment,
    Audit,
    Certification,
    Entity,
    Finding,
    Lot,
    LotInput,
    MitigationAction,
    Ownership,
    SupplySite,
)
from junkan.exchange.models import Grant, SealedOpening  # noqa: F401
from junkan.footprint.models import (  # noqa: F401
    ActivityLine,
    Component,
    Contribution,
    EmissionFactor,
    Footprint,
    FootprintRequest,
    OutboundEvent,
    PartnerHost,
    Product,
)
from junkan.identity.models import (  # noqa: F401
    AccessToken,
    ApiClient,
    Identifier,
    Participant,
    ParticipantRole,
    Site,
)
from junkan.ledger.models import (  # noqa: F401
    Commitment,
    LedgerEntry,
    LedgerNode,
    SigningKey,
    TreeHead,
)
from junkan.passport.models import DynamicValue, Passport, PassportVersion  # noqa: F401
from junkan.recycling.models import RecyclerReport  # noqa: F401
from junkan.users.models import SignInAttempt, User, WebSession  # noqa: F401
