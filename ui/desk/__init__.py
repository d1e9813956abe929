"""The Qt desk: the window (``main_window``), its composition root (``app``), the ``station`` that runs
operations on the database worker, ``launch`` (the command line's one way in), and one folder per
feature (screening, pharmacy, slips, reports, people, admin, thermometer) plus shared ``widgets`` and
the Qt ``runtime``, which import no feature.  Screens call ``ui.services``.
"""
