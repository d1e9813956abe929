"""fever_desk domain core: plain Python that knows nothing of Qt, SQL or serial ports."""

__version__ = "0.1.0"
