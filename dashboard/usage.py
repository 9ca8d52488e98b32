"""The CLI's usage error, in a module of its own so that every command's module can raise it."""


class UsageError(Exception):
    """Bad arguments: reported on one line, exit code 2."""
