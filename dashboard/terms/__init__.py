"""Translations, one module per page so each page's words sit together. Each maps key -> (English, 中文)."""
