"""The balance rules a question bank must meet, with this course's standards as defaults."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class BankPolicy(BaseModel):
    """Thresholds the validator enforces; a bank may relax them under a top-level `policy:` key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_total: int = Field(260, ge=0)
    min_per_source_lesson: int = Field(30, ge=0)
    min_synthesis: int = Field(20, ge=0)
    min_per_type: int = Field(10, ge=0)
    max_remember_share: float = Field(0.5, ge=0, le=1)
    min_analyze_evaluate_share: float = Field(0.2, ge=0, le=1)
    min_apply_share: float = Field(0.15, ge=0, le=1)
    max_longest_key_share: float = Field(0.35, ge=0, le=1)
    max_key_position_share: float = Field(0.35, ge=0, le=1)
    min_synthesis_sources: int = Field(2, ge=1)
    min_quote_words: int = Field(5, ge=1)
    near_duplicate_similarity: float = Field(0.8, gt=0, le=1)
    lesson_min_words: int = Field(900, ge=0)
    lesson_max_words: int = Field(1800, ge=0)
    min_discussion_prompts: int = Field(4, ge=0)
    min_glossary_terms: int = Field(30, ge=0)


def read_policy(data: Any) -> BankPolicy:
    """Build the policy from the bank's `policy:` mapping (or defaults when absent)."""
    if not data:
        return BankPolicy()
    return BankPolicy.model_validate({k: v for k, v in data.items() if k != "__line__"})
