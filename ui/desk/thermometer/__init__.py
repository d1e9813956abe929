"""The thermometer at the desk: the bridge from a device session to the GUI thread, the controller that
fills the temperature field, the device settings section, the status-bar widget and the field itself.
"""
