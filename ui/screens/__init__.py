"""The pages of the kiosk window, one module each. They render state and emit intents."""
