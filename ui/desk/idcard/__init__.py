"""The ID card reader at the counter: its bridge to the GUI thread, the status bar, the form filling, the
settings, and the controller that sends each card to the form in front of the user."""
