"""postloan: KPI engine, CLI and configuration of the post-loan dashboard."""
