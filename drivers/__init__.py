"""Hardware drivers: one protocol per device kind, real implementations and simulators.

Synchronous and blocking, easy to test alone; imports nothing of kiosk/ or ui/ (DESIGN.md).
"""
