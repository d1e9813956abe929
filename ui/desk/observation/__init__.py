"""The 14-day medical observation register on the desk: registering, the daily grid, today's worklist,
the grid workers' import.  Every operation runs through ``Station.perform`` (``ui.services.observation``).
"""
