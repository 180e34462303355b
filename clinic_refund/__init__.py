from . import controllers
from . import models
from . import report
from . import wizard
from . import demo


def post_init_hook(env):
    """Give every company that already has a chart of accounts its stored-value accounting."""
    companies = env["res.company"].search([("chart_template", "!=", False)])
    companies._clinic_setup_stored_value_accounting()
