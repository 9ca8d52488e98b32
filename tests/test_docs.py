"""The documentation says what the code does: the extract's columns (DOMAIN section 5), the settings, the
environment variables and the commands in the README. A column, setting, variable or command added
without its line in the docs fails here."""

from __future__ import annotations

import argparse
import re
from dataclasses import fields
from pathlib import Path

from dashboard.cli import build_parser
from dashboard.config import SETTINGS, Config
from dashboard.importer import values
from dashboard.importer.spec import ENUMERATIONS, SPECS

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOMAIN = (ROOT / "docs" / "DOMAIN.md").read_text(encoding="utf-8")
# Where the code reads environment variables: the app, the database layer, the demo data, the benchmarks.
CODE_DIRS = ("dashboard", "db", "seed", "pages", "bench")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def _table(text: str, header: str) -> list[list[str]]:
    """The rows (cells stripped) of the Markdown table whose header line is `header`."""
    lines = text.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def _documented_extract() -> dict[str, list[tuple[str, str]]]:
    """file name without .csv -> [(column, the note in parentheses or "")] as DOMAIN section 5 lists it."""
    section = _section(DOMAIN, "## 5. The core-banking extract")
    out = {}
    for file, columns in _table(section, "| file | columns |"):
        out[file.removesuffix(".csv")] = re.findall(r"(\w+)(?: \(([^)]*)\))?(?:, |$)", columns)
    return out


def test_domain_section_5_lists_every_file_and_column_of_the_importer() -> None:
    documented = _documented_extract()
    by_file = {spec.file_name.removesuffix(".csv"): spec for spec in SPECS.values()}
    assert set(documented) == set(by_file), "files in DOMAIN section 5 != the importer's (dashboard/importer)"
    for file, spec in by_file.items():
        columns = [name for name, _ in documented[file]]
        assert columns == list(spec.names), f"DOMAIN section 5, {file}.csv: columns differ from the importer"


def test_domain_section_5_lists_the_allowed_values() -> None:
    documented = _documented_extract()
    for spec in SPECS.values():
        notes = dict(documented[spec.file_name.removesuffix(".csv")])
        for column in spec.columns:
            where = f"DOMAIN section 5, {spec.file_name}, {column.name}"
            if (spec.table, column.name) in ENUMERATIONS:
                listed = tuple(v.strip() for v in notes[column.name].split(","))
                assert listed == ENUMERATIONS[(spec.table, column.name)], where
            if column.parse is values.parse_boolean:
                assert notes[column.name] == "0 or 1", where


def test_readme_settings_table_equals_config() -> None:
    rows = _table(README, "| setting | default | meaning |")
    documented = {name.strip("`"): default for name, default, _ in rows}
    settings = [f for f in fields(Config) if f.name in SETTINGS]  # per-product floors live in products.csv
    assert list(documented) == [f.name for f in settings], "README settings != dashboard/config.py"
    for f in settings:
        assert documented[f.name] == str(f.default), f"README: the default of {f.name}"
    assert all(meaning for _, _, meaning in rows)


def _variables_read_by_the_code() -> set[str]:
    read = re.compile(r"""(?:environ\.get\(|environ\[|getenv\(|env_int\()\s*["']([A-Z][A-Z0-9_]*)["']""")
    named = re.compile(r"""["'](POSTLOAN_[A-Z0-9_]+)["']""")  # also names kept in constants
    found: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found |= set(read.findall(text)) | set(named.findall(text))
    return found


def test_readme_configuration_names_every_environment_variable() -> None:
    section = _section(README, "## Configuration")
    rows = _table(section, "| variable | meaning |")
    documented = {name for first, _ in rows for name in re.findall(r"`(\w+)`", first)}
    read = _variables_read_by_the_code()
    assert {"DATABASE_URL", "POSTLOAN_TIMEZONE", "POSTLOAN_MAX_ATTEMPTS"} <= read  # the scan finds them
    assert read - documented == set(), "environment variables missing from the README's Configuration table"


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return None


def _readme_commands() -> list[list[str]]:
    """The words of every `postloan ...` line in the README's shell blocks; "user disable NAME | enable |
    unlock" gives three commands."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            found = re.match(r"\s*(?:\S*/)?postloan\s+(.*)", line.split("#")[0])
            if not found:
                continue
            # Options in brackets may hold their own alternatives: "[--replace | --if-empty]".
            first, *alternatives = re.sub(r"\[[^]]*\]", "", found[1]).split(" | ")
            words = first.split()
            commands.append(words)
            # An alternative replaces the last command word: "disable NAME | enable" is "user enable".
            commands += [[*words[: _depth(words) - 1], other.split()[0]] for other in alternatives]
    return commands


def _depth(words: list[str]) -> int:
    """How many leading words name (sub)commands."""
    parser, depth = build_parser(), 0
    while (choices := _choices(parser)) is not None and depth < len(words) and words[depth] in choices:
        parser, depth = choices[words[depth]], depth + 1
    return depth


def _unknown(words: list[str]) -> str | None:
    """Why `postloan WORDS` names no command, or None when it does."""
    parser = build_parser()
    for depth, word in enumerate(words):
        choices = _choices(parser)
        if choices is None:
            return None
        if word not in choices:
            return f"postloan {' '.join(words[: depth + 1])}: no such command (has {', '.join(choices)})"
        parser = choices[word]
    return f"postloan {' '.join(words)}: a sub-command is missing" if _choices(parser) else None


def test_every_command_in_the_readme_exists() -> None:
    commands = _readme_commands()
    named = {tuple(words[: _depth(words)]) for words in commands}
    assert {("seed",), ("kpi", "portfolio"), ("user", "add"), ("user", "unlock")} <= named  # the scan works
    problems = [problem for words in commands if (problem := _unknown(words))]
    assert problems == []
    # ...and the other way round: every command of the parser is in the README.
    every = set()
    pending = [((), build_parser())]
    while pending:
        prefix, parser = pending.pop()
        for name, sub in (_choices(parser) or {}).items():
            if _choices(sub) is None:
                every.add((*prefix, name))
            pending.append(((*prefix, name), sub))
    assert every - named == set(), "commands of `postloan` the README does not show"
