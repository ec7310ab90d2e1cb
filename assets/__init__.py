"""Images, translations and layout data shipped with the kiosk, read through importlib.resources."""
