"""The KPI engine: one function per definition of DOMAIN.md section 4, computed by the database."""
