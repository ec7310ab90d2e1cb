"""The touchscreen front end (PySide6 Qt Widgets): a thin skin over the core in kiosk/."""
