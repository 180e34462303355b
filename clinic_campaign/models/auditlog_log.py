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
        self._clinic_link_members(vals_list)
        return super().create(vals_list)

    def _clinic_link_members(self, vals_list):
        """The member (and her clinic) of each row about a health record; one read per model, however
        many records a list view read at once."""
        by_model = {}
        for vals in vals_list:
            model = self.env["ir.model"].sudo().browse(vals.get("model_id")).model
            if model in HEALTH_RECORD_MEMBER_PATHS and vals.get("res_id"):
                by_model.setdefault(model, []).append(vals)
        for model, model_vals in by_model.items():
            Model = self.env[model].sudo().with_context(auditlog_disabled=True)
            records = Model.browse([vals["res_id"] for vals in model_vals]).exists()
            for vals in model_vals:
                record = records.browse(vals["res_id"]) & records
                member = record.mapped(HEALTH_RECORD_MEMBER_PATHS[model]).commercial_partner_id
                company = record.company_id if "company_id" in record._fields else self.env["res.company"]
                vals["clinic_partner_id"] = member.id
                vals["clinic_company_id"] = (company or member.member_company_id).id
                vals["clinic_access"] = vals["method"] if vals.get("method") in ("read", "export_data") else "other"
