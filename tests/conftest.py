"""Cross-addon scenarios run by pytest-odoo against the test database (see README.md).

Benchmarks record their figures with ``figures.record_figure``; they are printed at the end of the run.
"""

from figures import FIGURES


def pytest_terminal_summary(terminalreporter):
    for title, lines in FIGURES:
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)
