"""Benchmarks that print a figure beside its physical floor; `python -m bench` runs them all.

Not tests: figures vary with the machine. Each benchmark returns rows of
(name, figure, floor, unit); the runner prints them with the ratio figure / floor.
"""
