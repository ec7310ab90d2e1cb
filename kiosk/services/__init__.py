"""What the kiosk does for a resident: identification, records, certificates, rating."""
