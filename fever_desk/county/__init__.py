"""The county's view of every point's daily report: pure rules, no database, no Qt.

``points``: what a reporting point is (clinic, township health centre, pharmacy) and where it is (the
6-digit GB/T 2260 county code plus the 3-digit township number).  ``signed``: the report's canonical
text and its Ed25519 signature with the station's existing slip-signing key.  ``status``: on time /
late / missing at the cutoff, township totals and the 14-day trend, with the clock passed in.
"""
