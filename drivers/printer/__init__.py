"""Printers: the receipt printer (ESC/POS over serial) and, later, A4 through CUPS."""
