"""The pre-screening desk: the form, its questionnaire and outcome panel, today's list and the follow-up
result dialog.  Saves go through ``ui.services.screening``.
"""
