"""The pre-screening desk: the form, its questionnaire and outcome panel, today's list and the follow-up
result dialog.  Saves go through ``ui.services.screening``; besides the desk's ``station``,
``widgets`` and ``runtime`` it imports only the thermometer's temperature field.
"""
