"""Report context (pure), HTML rendering (jinja2) and PDF (weasyprint)."""
