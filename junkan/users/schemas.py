"""User API bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
LANGUAGES = ("ja", "en")


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(pattern=EMAIL, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=200, description="at least 10 characters")
    language: str | None = Field(default=None, pattern="^(ja|en)$")


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    participant_id: str
    language: str | None
    created_at: datetime


class UserList(BaseModel):
    data: list[UserOut]
