"""Claims for topic 'heavy-ball'."""
from __future__ import annotations

CLAIMS: list = []
