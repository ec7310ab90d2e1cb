"""Printed documents: certificates (A4, reportlab) and receipts, from the contract's models."""
