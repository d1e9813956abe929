"""One module per thermometer family; each has a parser, a driver and encoders for the simulator.

The modules are listed by name in :mod:`devices.registry`, the only place that maps a protocol name
(as stored in settings or typed on the command line) to code.
"""
