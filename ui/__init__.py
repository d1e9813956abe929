"""The user interfaces: the `fever-desk` command line (``ui.cli``), the operations both share
(``ui.services``) and the Qt desk (``ui.desk``).  Only ``ui.desk`` imports PySide6.
"""
