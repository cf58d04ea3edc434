"""Claims for topic 'effective-lr'."""
from __future__ import annotations

CLAIMS: list = []
