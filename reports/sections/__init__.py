"""One module per report topic (names as in proofs.registry.TOPICS); see reports.build."""
