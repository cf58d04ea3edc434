"""Claims for topic 'sweep'."""
from __future__ import annotations

CLAIMS: list = []
