from odoo import api, fields, models

# The members' health records whose reads are logged (auditlog rules of data/auditlog_rule_data.xml),
# with the path from each record to its member.
HEALTH_RECORD_MEMBER_PATHS = {
    "clinic.emergency": "partner_id",
    "clinic.followup.task": "partner_id",
    "survey.user_input": "partner_id",
    "survey.user_input.line": "user_input_id.partner_id",
}


class AuditlogLog(models.Model):
    """An auditlog row, linked to the member whose health record it is about, for her access log."""

    _inherit = "auditlog.log"

    clinic_partner_id = fields.Many2one("res.partner", string="Member", index=True, ondelete="set null", readonly=True)
    clinic_company_id = fields.Many2one("res.company", string="Clinic", readonly=True)
    clinic_access = fields.Selection(
        [("read", "Opened"), ("export_data", "Exported"), ("other", "Changed")],
        string="Access",
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._clinic_link_member(vals)
        return super().create(vals_list)

    def _clinic_link_member(self, vals):
        model = self.env["ir.model"].sudo().browse(vals.get("model_id")).model
        path = HEALTH_RECORD_MEMBER_PATHS.get(model)
        if not path or not vals.get("res_id"):
            return
        record = self.env[model].sudo().with_context(auditlog_disabled=True).browse(vals["res_id"]).exists()
        member = record.mapped(path).commercial_partner_id
        vals["clinic_partner_id"] = member.id
        vals["clinic_company_id"] = (record.company_id.id if "company_id" in record._fields else False) or (
            member.member_company_id.id
        )
        vals["clinic_access"] = vals.get("method") if vals.get("method") in ("read", "export_data") else "other"
