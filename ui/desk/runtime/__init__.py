"""The Qt runtime under every screen: worker threads and their relay to the GUI thread, background
look-ups, garbage collection on the GUI thread, the idle lock, refocus after dialogs, live refresh
from other counters, and the fatal start-up dialog.  Imports no feature folder.
"""
