"""What the desk and the command line share, Qt-free: the operations, each taking the worker's context
(``context.DeskContext``, implemented by ``database.Database``) and plain values and committing its
writes with their audit entries in one unit of work; the settings file, the log file and a failure in
words.  Imports the domain core, ``db`` and ``devices``; never PySide6, ``ui.desk`` or ``ui.cli``.
"""
