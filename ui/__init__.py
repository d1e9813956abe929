"""The user interfaces: the Qt desk and the `fever-desk` command line. Only this package imports PySide6."""
