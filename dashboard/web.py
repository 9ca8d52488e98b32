"""What every Streamlit page shares: the engine, the configuration, the default as-of date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import streamlit as st
from sqlalchemy import Engine

from dashboard.config import Config, load_config
from dashboard.kpi.data_dates import latest_data_date
from db.engine import make_engine
from db.migrate import ensure_schema


@st.cache_resource
def engine() -> Engine:
    eng = make_engine()
    ensure_schema(eng)
    return eng


def config() -> Config:
    return load_config(engine())


def default_as_of() -> date:
    with engine().connect() as conn:
        return latest_data_date(conn) or date.today()


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def money(value: Decimal) -> str:
    return f"¥{value:,.2f}"
