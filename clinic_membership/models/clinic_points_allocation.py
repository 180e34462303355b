from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.flow import in_flow


class ClinicPointsAllocation(models.Model):
    """Which earned lot a deduction (redeem, expire, claw-back) used: FIFO by expiry date."""

    _name = "clinic.points.allocation"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Points Lot Allocation"
    _order = "id"

    lot_id = fields.Many2one("clinic.points.move", required=True, ondelete="restrict", index=True)
    move_id = fields.Many2one("clinic.points.move", required=True, ondelete="restrict", index=True)
    points = fields.Integer(required=True)

    _sql_constraints = [
        ("points_positive", "CHECK(points > 0)", "An allocation takes a positive number of points."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not in_flow(self.env):
            raise AccessError(self.env._("Points allocations are part of the ledger: the ledger records them."))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("Points allocations are part of the ledger and cannot be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Points allocations are part of the ledger and cannot be deleted."))
