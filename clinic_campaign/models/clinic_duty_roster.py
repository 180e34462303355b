from odoo import api, fields, models
from odoo.exceptions import ValidationError

PRACTITIONER_GROUP = "clinic_membership.group_clinic_practitioner"
DEFAULT_CLINIC_TZ = "Asia/Shanghai"


class ClinicDutyRoster(models.Model):
    """The on-call doctor of a day (值班表): who answers the emergency line with the member's consultant."""

    _name = "clinic.duty.roster"
    _inherit = ["clinic.guarded.mixin"]
    _description = "On-call Roster"
    _order = "date desc, id desc"

    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    doctor_id = fields.Many2one(
        "res.users",
        string="On-call Doctor",
        required=True,
        ondelete="restrict",
        domain=lambda self: [("groups_id", "in", self.env.ref(PRACTITIONER_GROUP).ids), ("share", "=", False)],
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    note = fields.Char(help="Phone number or where the doctor is, for the front desk.")

    _sql_constraints = [
        ("date_company_uniq", "UNIQUE(date, company_id)", "A clinic has one on-call doctor per day."),
    ]

    @api.depends("date", "doctor_id")
    def _compute_display_name(self):
        for roster in self:
            roster.display_name = f"{fields.Date.to_string(roster.date) or ''} {roster.doctor_id.name or ''}".strip()

    @api.constrains("doctor_id", "company_id")
    def _check_doctor(self):
        for roster in self:
            doctor = roster.doctor_id
            if not doctor.has_group(PRACTITIONER_GROUP) or doctor.share:
                raise ValidationError(
                    self.env._("%s is not a practitioner: only a doctor can be on call.", doctor.name)
                )
            if roster.company_id not in doctor.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(doctor)s does not work for %(company)s.", doctor=doctor.name, company=roster.company_id.name
                    )
                )

    @api.model
    def _clinic_today(self, company):
        """Today in the clinic's time zone (the roster's days are the clinic's days)."""
        return fields.Date.context_today(self.with_context(tz=company.partner_id.tz or DEFAULT_CLINIC_TZ))

    @api.model
    def _clinic_doctor_on_call(self, company, day=None):
        """The on-call doctor of ``company`` on ``day`` (default: today in the clinic), or no user."""
        day = day or self._clinic_today(company)
        roster = self.sudo().search([("company_id", "=", company.id), ("date", "=", day)], limit=1)
        return self.env["res.users"].browse(roster.doctor_id.ids)
