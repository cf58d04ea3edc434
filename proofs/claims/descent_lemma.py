"""Claims for topic 'descent-lemma'."""
from __future__ import annotations

CLAIMS: list = []
