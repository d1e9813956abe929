"""The Qt desk: the window (``main_window``), its composition root (``app``), the ``station`` that runs
operations on the database worker, and one folder per feature (screening, pharmacy, slips, reports,
people, admin, thermometer) plus shared ``widgets`` and the Qt ``runtime``.  Screens call ``ui.services``.
"""
