"""reports/: LaTeX/PDF reports, figures and the ratecheck CLI."""
