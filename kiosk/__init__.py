"""The kiosk core: session, services, central API client, outbox, config, logging.

Pure Python: nothing here imports Qt (DESIGN.md, "Layers"); ui/ renders what this core decides.
"""

__version__ = "0.1.0"
