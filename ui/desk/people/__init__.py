"""Find a person: one search across screenings and purchases by ID, phone or name.  Imports
``ui.services``, the desk's ``station`` and ``widgets``.
"""
