"""The demo device that `kiosk-central serve --demo` accepts and `kiosk --demo` uses."""

DEMO_DEVICE_ID = "demo-0001"
DEMO_DEVICE_SECRET = "demo-secret-0001"
