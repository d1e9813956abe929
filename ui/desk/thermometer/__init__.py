"""The thermometer at the desk: the bridge from a device session (``devices``) to the GUI thread, the
controller that fills the screening form's temperature, the device settings section, the status-bar
widget and the temperature field both counters use.  No database.
"""
