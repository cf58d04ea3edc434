"""Examples of user-defined methods (installed as ratecheck.examples; each file also works on its own with --method-file)."""
