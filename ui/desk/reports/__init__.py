"""The daily / zero report: the reports screen, the status-bar glance at today's figures and the
reminder strip before the cutoff.  Operations go through ``ui.services.reports``; no other feature.
"""
