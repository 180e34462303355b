from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Companies set up before refunds carried interest get their interest expense account."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([("chart_template", "!=", False)])._clinic_setup_stored_value_accounting()
