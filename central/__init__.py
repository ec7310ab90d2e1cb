"""The reference central service (FastAPI): the kiosk API, the department workbench and the
county dashboard. It imports the contract from kiosk/api/ and nothing else of the kiosk."""

__version__ = "0.1.0"
