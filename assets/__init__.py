"""Images, translations and layout data shipped with the kiosk, as files beside this module.

`ROOT` rather than importlib.resources: the kiosk is installed as files, never zipped, and
importlib.resources costs milliseconds of start-up before the first frame.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
