"""Referral slips on screen and paper: the slip panel (print, reprint, save as PDF), Qt printing of the
PDF from ``ui.services.slips``, and the Verify slip tab.  Of the other features it asks the station
setup for missing slip details and names the screening desk it attaches to.
"""
