from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicConsentRecord(models.TransientModel):
    """The front desk records a consent the member gave or withdrew at the desk or on a paper form,
    against the current text of the consent (its version is recorded with the answer)."""

    _name = "clinic.consent.record"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Record a Member's Consent"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, domain=[("is_member", "=", True)])
    activity_id = fields.Many2one(
        "privacy.activity",
        string="Consent",
        required=True,
        domain=[("clinic_kind", "!=", False)],
    )
    clinic_text_version = fields.Char(related="activity_id.clinic_text_version")
    clinic_consent_text = fields.Html(related="activity_id.clinic_consent_text")
    answer = fields.Selection(
        [("accept", "Given"), ("reject", "Refused or Withdrawn")], required=True, default="accept"
    )
    channel = fields.Selection([("desk", "At the Desk"), ("paper", "Paper Form")], required=True, default="desk")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        kind = self.env.context.get("clinic_consent_kind")
        if kind and "activity_id" in fields_list and not values.get("activity_id"):
            partner = self.env["res.partner"].browse(values.get("partner_id"))
            company = partner.member_company_id or self.env.company
            values["activity_id"] = (
                self.env["privacy.activity"]._clinic_activities(company).get(kind, self.env["privacy.activity"]).id
            )
        return values

    def action_record(self):
        self.ensure_one()
        consent = self.partner_id._clinic_consents().get(self.activity_id.clinic_kind)
        if not consent:
            raise UserError(self.env._("This consent is not one of the member's company."))
        consent._clinic_answer(self.answer == "accept", self.channel)
        return {"type": "ir.actions.act_window_close"}
