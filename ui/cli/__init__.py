"""The `fever-desk` command line: argument parsing, messages, progress and exit codes (``main`` is the
entry point).  No Qt: IT runs these commands over SSH and from scheduled tasks.  Commands call the
operations in ``ui.services``, the database layer and the devices; the desk is entered only through
``ui.desk.launch`` (the window, and the self-test that asks Qt for the printers).
"""
