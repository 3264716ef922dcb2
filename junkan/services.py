"""Imports every domain's service so that the ledger knows every record type it vouches for."""

import junkan.circularity.service  # noqa: F401
import junkan.diligence.assess  # noqa: F401
import junkan.diligence.service  # noqa: F401
import junkan.exchange.service  # noqa: F401
import junkan.footprint.service  # noqa: F401
import junkan.identity.service  # noqa: F401
import junkan.ledger.commitments  # noqa: F401
import junkan.ledger.service  # noqa: F401
import junkan.passport.service  # noqa: F401
import junkan.recycling.service  # noqa: F401
