"""Business rules defined once, used by every layer (polars metrics and SQL measures alike)."""

from __future__ import annotations

PROMOTER_MIN = 9  # an NPS answer of 9 or 10 is a promoter
DETRACTOR_MAX = 6  # an answer of 0..6 is a detractor; 7..8 is passive
