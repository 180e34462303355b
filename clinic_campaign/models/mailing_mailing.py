from odoo import fields, models
from odoo.addons.clinic_membership.tools.protected import check_protected_fields


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    clinic_skipped_count = fields.Integer(
        string="Skipped (no consent)",
        readonly=True,
        copy=False,
        help="Members among the recipients who did not consent to email: not mailed.",
    )

    def write(self, vals):
        check_protected_fields(self, vals, ["clinic_skipped_count"])
        return super().write(vals)

    def _get_remaining_recipients(self):
        res_ids = super()._get_remaining_recipients()
        allowed = self._clinic_consenting(res_ids)
        skipped = len(res_ids) - len(allowed)
        if skipped != self.clinic_skipped_count:
            self.sudo().write({"clinic_skipped_count": skipped})
        return allowed

    def _clinic_consenting(self, res_ids):
        """``res_ids`` without the members who did not consent to email."""
        self.ensure_one()
        if self.mailing_type != "mail":
            return res_ids
        if self.mailing_model_real == "mailing.contact":
            records = self.env["mailing.contact"].sudo().browse(res_ids)
            refused = records.filtered(
                lambda c: c.clinic_partner_id and not c.clinic_partner_id._clinic_has_consent("email")
            )
        elif self.mailing_model_real == "res.partner":
            records = self.env["res.partner"].sudo().browse(res_ids)
            refused = records.filtered(lambda p: p.is_member and not p._clinic_has_consent("email"))
        else:
            return res_ids
        refused_ids = set(refused.ids)
        return [res_id for res_id in res_ids if res_id not in refused_ids]
