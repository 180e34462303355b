"""Cross-addon scenarios run by pytest-odoo against the test database (see README.md).

Benchmarks record their figures with ``record_figure``; they are printed at the end of the run.
"""

FIGURES = []


def record_figure(title, lines):
    FIGURES.append((title, lines))


def pytest_terminal_summary(terminalreporter):
    for title, lines in FIGURES:
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)
