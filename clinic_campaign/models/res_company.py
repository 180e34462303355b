from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_RESPONSE_MINUTES = 24 * 60


class ResCompany(models.Model):
    _inherit = "res.company"

    clinic_emergency_response_minutes = fields.Integer(
        string="Emergency Response Time (minutes)",
        default=30,
        help="Within this time the member's consultant or the on-call doctor acknowledges an urgent case; "
        "then it is escalated to the clinic managers.",
    )

    clinic_no_show_limit = fields.Integer(
        string="No-shows Before Booking by Phone Only",
        default=3,
        help="A member who missed this many appointments within the period books through the front desk only "
        "(0: never).",
    )
    clinic_no_show_days = fields.Integer(
        string="No-show Period (days)",
        default=180,
        help="The missed appointments of this many last days count.",
    )

    @api.constrains("clinic_no_show_limit", "clinic_no_show_days")
    def _check_clinic_no_show_rule(self):
        for company in self:
            if company.clinic_no_show_limit < 0 or not 1 <= company.clinic_no_show_days <= 3660:
                raise ValidationError(self.env._("The no-show limit is 0 or more, within a period of 1 to 3660 days."))

    @api.constrains("clinic_emergency_response_minutes")
    def _check_clinic_emergency_response_minutes(self):
        for company in self:
            if not 1 <= company.clinic_emergency_response_minutes <= MAX_RESPONSE_MINUTES:
                raise ValidationError(
                    self.env._("The emergency response time is between 1 and %s minutes.", MAX_RESPONSE_MINUTES)
                )
