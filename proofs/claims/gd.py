"""Claims for topic 'gd'."""
from __future__ import annotations

CLAIMS: list = []
