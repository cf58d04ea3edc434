"""Claims for topic 'average-case'."""
from __future__ import annotations

CLAIMS: list = []
