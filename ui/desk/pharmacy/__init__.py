"""The pharmacy register counter: the screen, its form, drug lines and catalogue, repeat and advice
panels, the day's purchase list, the register export dialog and the referral to the fever clinic.
Operations go through ``ui.services.pharmacy``; of the other features it embeds the screening
questionnaire, the thermometer's temperature field and the slip panel (for the referral).
"""
