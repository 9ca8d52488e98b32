"""Entering results (DOMAIN section 3, rules 6-8 and 12): visits, inspections, collection actions, issues,
overrides and bulk uploads. Each user action is one transaction through `saving.save`."""
