"""Administration and access: the login dialog, user administration, the audit browser, the settings
dialog, the first-run station setup and the purge action.  Operations go through
``ui.services.admin``; the settings dialog embeds the thermometer's section and the printer list.
"""
