"""The desk operations, Qt-free: each takes the worker's context (``context.DeskContext``) and plain
values, writes and audits in one transaction, and returns plain data.  The desk and the command line
both call them.  They import the domain core, ``db`` and ``devices``; never PySide6, ``ui.desk`` or
``ui.cli``.
"""
