"""Claims for topic 'nesterov'."""
from __future__ import annotations

CLAIMS: list = []
