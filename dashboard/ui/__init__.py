"""Streamlit building blocks shared by every page: filters, translation, caching, tiles, tables."""
