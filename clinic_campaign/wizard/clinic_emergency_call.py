from odoo import api, fields, models
from odoo.exceptions import AccessError


class ClinicEmergencyCall(models.TransientModel):
    """The front desk logs a member's urgent phone call.

    The desk has no access to health records: it writes what the member says, and the case opens for
    her consultant and the day's on-call doctor (``clinic.emergency._clinic_open``) without the desk
    reading it back.
    """

    _name = "clinic.emergency.call"
    _description = "Log an Emergency Call"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, domain="[('is_member', '=', True)]"
    )
    description = fields.Text(string="What Happened", required=True)
    date_onset = fields.Datetime(string="Since", help="Since when the member has the problem.")
    photo = fields.Image(max_width=1920, max_height=1920, help="A photo of the problem (JPEG or PNG, at most 10 MB).")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner_id = self.env.context.get("default_partner_id")
        if partner_id and "partner_id" in fields_list:
            values["partner_id"] = self.env["res.partner"].browse(partner_id).commercial_partner_id.id
        return values

    def action_log_call(self):
        self.ensure_one()
        self._check_can_log()
        case = self.env["clinic.emergency"]._clinic_open(
            self.partner_id, self.description, date_onset=self.date_onset, photo=self.photo, channel="phone"
        )
        case = case.sudo()
        responders = ", ".join((case.consultant_id | case.doctor_id).mapped("name")) or self.env._("the managers")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("Urgent case %s opened", case.name),
                "message": self.env._("%s must acknowledge it within the clinic's response time.", responders),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _check_can_log(self):
        partner = self.partner_id
        partner.check_access("read")
        if not partner.is_member:
            raise AccessError(
                self.env._("%s is not a member: only a member's urgent call is logged here.", partner.name)
            )
        if partner.member_company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("%s is a member of a clinic you do not work for.", partner.name))
