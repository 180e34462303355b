"""Whether this server can print PDFs (Odoo prints them with wkhtmltopdf)."""

# get_wkhtmltopdf_state(): "install" (not found) and "broken" cannot print; "upgrade" (an old
# binary) and "workers" (too few workers to print while serving) print all the same.
_PRINTING_STATES = ("ok", "upgrade", "workers")
INSTALL_HINT = "Debian/Ubuntu: apt-get install wkhtmltopdf fonts-noto-cjk"


def pdf_engine_ready(env):
    return env["ir.actions.report"].get_wkhtmltopdf_state() in _PRINTING_STATES
