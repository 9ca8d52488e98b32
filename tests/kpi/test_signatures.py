"""Every KPI function takes its arguments by keyword after the connection, so a call cannot swap two dates."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import dashboard.kpi


def test_kpi_functions_take_keywords_after_the_connection() -> None:
    checked, positional = 0, []
    for info in pkgutil.iter_modules(dashboard.kpi.__path__):
        module = importlib.import_module(f"dashboard.kpi.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            params = list(inspect.signature(function).parameters.values())
            if not params or not any(word in str(params[0].annotation) for word in ("Connection", "Engine")):
                continue
            checked += 1
            positional += [
                f"{module.__name__}.{name}({p.name})" for p in params[1:] if p.kind is not p.KEYWORD_ONLY
            ]
    assert checked > 30
    assert positional == []
