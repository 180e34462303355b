from odoo import fields, models


class ClinicPointsAllocation(models.Model):
    """Which earned lot a deduction (redeem, expire, claw-back) used: FIFO by expiry date."""

    _name = "clinic.points.allocation"
    _inherit = ["clinic.ledger.mixin", "clinic.guarded.mixin"]
    _description = "Points Lot Allocation"
    _order = "id"

    lot_id = fields.Many2one("clinic.points.move", required=True, ondelete="restrict", index=True)
    move_id = fields.Many2one("clinic.points.move", required=True, ondelete="restrict", index=True)
    points = fields.Integer(required=True)

    _sql_constraints = [
        ("points_positive", "CHECK(points > 0)", "An allocation takes a positive number of points."),
    ]
