"""CSV import of the core-banking extract (DOMAIN section 5): check everything, then write all or nothing.

A whole extract: `import_directory(engine, path)`. A single uploaded file (visits.csv, collection_actions.csv)
goes the same way through `import_files(engine, {"visits.csv": data})`, or `validate_tables` then
`load_tables` when the caller wants to show the problems before deciding.
"""

from dashboard.importer.extract import import_directory, import_files
from dashboard.importer.load import ImportSummary, load_tables
from dashboard.importer.problems import ExtractInvalid, Problem
from dashboard.importer.spec import REQUIRED_FILES
from dashboard.importer.validate import Checked, validate_tables

__all__ = [
    "REQUIRED_FILES",
    "Checked",
    "ExtractInvalid",
    "ImportSummary",
    "Problem",
    "import_directory",
    "import_files",
    "load_tables",
    "validate_tables",
]
