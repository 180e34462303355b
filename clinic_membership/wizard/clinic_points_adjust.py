from odoo import fields, models
from odoo.exceptions import AccessError, ValidationError


class ClinicPointsAdjust(models.TransientModel):
    _name = "clinic.points.adjust"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Adjust Member Points"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, domain=[("is_member", "=", True)])
    points_balance = fields.Integer(related="partner_id.points_balance")
    points = fields.Integer(required=True, help="Positive to add points, negative to remove them.")
    reason = fields.Text(required=True)

    def action_adjust(self):
        self.ensure_one()
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise AccessError(self.env._("Only a Clinic Manager can adjust a member's points."))
        if not self.points:
            raise ValidationError(self.env._("Adjust by a number of points other than zero."))
        self.env["clinic.points.move"]._clinic_record(
            [
                {
                    "partner_id": self.partner_id.id,
                    "company_id": (self.partner_id.member_company_id or self.env.company).id,
                    "move_type": "adjust",
                    "points": self.points,
                    "reason": self.reason,
                    "source_ref": self.env._("Adjustment by %s", self.env.user.name),
                }
            ]
        )
        return {"type": "ir.actions.act_window_close"}
