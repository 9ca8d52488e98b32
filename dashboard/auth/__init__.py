"""Sign-in, roles and the protection of customer data (issue 5)."""
