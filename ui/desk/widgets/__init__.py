"""Widgets shared by the desk's screens: choice and yes/no inputs, form rows, the day-list loader, the
full-ID reveal action and the server-status label.  Imports ``ui.services`` and the desk's ``station``,
never a feature folder (an import-linter contract).
"""
