"""Claims for topic 'conventions'."""
from __future__ import annotations

CLAIMS: list = []
