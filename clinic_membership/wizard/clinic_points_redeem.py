from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class ClinicPointsRedeem(models.TransientModel):
    _name = "clinic.points.redeem"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Redeem Member Points"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, domain=[("is_member", "=", True)])
    points_balance = fields.Integer(related="partner_id.points_balance")
    redeem_for = fields.Selection(
        [("invoice", "A discount on a draft invoice"), ("gift", "A gift")], required=True, default="invoice"
    )
    invoice_id = fields.Many2one(
        "account.move",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'draft'),"
        " ('commercial_partner_id', '=', partner_id)]",
    )
    product_id = fields.Many2one("product.product", string="Gift", domain=[("clinic_points_cost", ">", 0)])
    quantity = fields.Integer(default=1)
    points = fields.Integer(compute="_compute_points", store=True, readonly=False, required=True, precompute=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    discount_amount = fields.Monetary(compute="_compute_discount_amount")

    @api.depends("redeem_for", "product_id", "quantity")
    def _compute_points(self):
        for wizard in self:
            if wizard.redeem_for == "gift":
                wizard.points = wizard.product_id.clinic_points_cost * wizard.quantity
            elif not wizard.points:
                wizard.points = 0

    @api.depends("points", "company_id")
    def _compute_discount_amount(self):
        for wizard in self:
            wizard.discount_amount = wizard.currency_id.round(wizard.points * wizard.company_id.clinic_point_value)

    def action_redeem(self):
        self.ensure_one()
        if self.redeem_for == "invoice":
            if self.points <= 0:
                raise ValidationError(self.env._("Redeem a positive number of points."))
            if not self.invoice_id:
                raise UserError(self.env._("Choose the draft invoice that receives the discount."))
            self.invoice_id._clinic_add_points_discount(self.partner_id, self.points)
            return self.invoice_id._get_records_action()
        if not self.product_id or self.quantity <= 0:
            raise UserError(self.env._("Choose the gift and a positive quantity."))
        cost = self.product_id.clinic_points_cost
        if cost <= 0:
            raise UserError(self.env._("%s is not a gift redeemable with points.", self.product_id.display_name))
        self.env["clinic.points.move"]._clinic_record(
            [
                {
                    "partner_id": self.partner_id.id,
                    "company_id": (self.partner_id.member_company_id or self.company_id).id,
                    "move_type": "redeem",
                    "points": -cost * self.quantity,  # what the gift costs, whatever was typed
                    "product_id": self.product_id.id,
                    "source_ref": self.env._(
                        "Gift: %(qty)s x %(gift)s", qty=self.quantity, gift=self.product_id.display_name
                    ),
                }
            ]
        )
        return {"type": "ir.actions.act_window_close"}
