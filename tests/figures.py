"""Figures that benchmarks print at the end of the pytest run (see conftest.py)."""

FIGURES = []


def record_figure(title, lines):
    FIGURES.append((title, lines))
