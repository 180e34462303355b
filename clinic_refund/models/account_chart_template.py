from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo):
        res = super()._load(template_code, company, install_demo)
        company = self.env["res.company"].browse(company.id)
        company._clinic_setup_stored_value_accounting()
        # The chart may be installed after this module's demo data (l10n modules are auto-installed
        # at the end of a new database's set-up): the demo contracts of the main company need it. They
        # are the application's, whoever loads the chart (an accountant setting up another company).
        if company == self.env.ref("base.main_company") and self.env.ref("base.module_clinic_refund").demo:
            self.env["clinic.prepaid.contract"].sudo().with_company(company)._create_demo_data()
        return res
