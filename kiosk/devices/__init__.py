"""Device services: each device on its own worker thread, reporting events and a status."""
