"""Settings come from the environment so that one image serves every deployment."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JUNKAN_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/junkan.db",
        description="SQLAlchemy URL; SQLite for one machine, postgresql+psycopg:// in production.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address the outside world uses; it names the token endpoint and QR links.",
    )
    key_dir: Path = Field(default=Path("var/keys"), description="Where signing keys live.")
    token_lifetime_seconds: int = Field(default=3600, gt=0, le=86400)
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024, gt=0, description="Larger request bodies are refused (413)."
    )
    demo_credentials_path: Path = Field(default=Path("var/demo-credentials.json"))
    sqlite_busy_seconds: float = Field(
        default=10.0, gt=0, description="How long a SQLite writer waits for another (then 503)."
    )

    pact_delivery_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often the server posts queued PACT events to other hosts (0: never; "
        "then `junkan pact deliver` does it).",
    )
    cfp_class_boundaries: dict[str, float | None] = Field(
        default={"A": 0.10, "B": 0.15, "C": 0.20, "D": 0.30, "E": None},
        description="Battery carbon-footprint performance classes: the upper bound of each "
        "class in kgCO2e/kWh (null: no bound, the worst class). Provisional: the delegated "
        "act that fixes them is not adopted; set the adopted values here (JSON) when it is.",
    )
    feoc_jurisdictions: list[str] = Field(
        default=["CN", "KP", "RU", "IR"],
        description="Jurisdictions of concern for the US IRA FEOC check (ISO 3166-1 alpha-2); "
        "the default is the covered nations of 10 U.S.C. 4872.",
    )
    feoc_threshold_percent: float = Field(
        default=25.0,
        gt=0,
        le=100,
        description="Effective holding by jurisdictions of concern that makes an entity one.",
    )
    crma_cap_percent: float = Field(
        default=65.0, gt=0, le=100, description="CRMA Art. 5(1)(d): most from one third country."
    )
    dd_unknown_share_percent: float = Field(
        default=5.0, ge=0, le=100, description="Unknown-origin share above which a finding is made."
    )
    dd_audit_max_age_days: int = Field(default=3 * 365, gt=0)
    cahra_file: Path | None = Field(
        default=None,
        description="CSV of conflict-affected and high-risk areas (country, region, note); "
        "default: the seed list shipped in junkan/diligence/data.",
    )

    @property
    def base_url(self) -> str:
        return self.public_base_url.rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()
