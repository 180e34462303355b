from odoo import api, models
from odoo.exceptions import UserError


class ReportMemberCard(models.AbstractModel):
    _name = "report.clinic_membership.report_member_card"
    _description = "Member Card Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        not_members = partners.filtered(lambda p: not p.is_member)
        if not_members:
            raise UserError(
                self.env._("%s: not a member, there is no member card to print.", ", ".join(not_members.mapped("name")))
            )
        return {"doc_ids": docids, "doc_model": "res.partner", "docs": partners}
