from odoo import api, fields, models


class ClinicCheckoutLine(models.TransientModel):
    _name = "clinic.checkout.line"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Checkout Line"
    # what the member's benefits give free is computed, never given by the screen
    _clinic_protected_fields = ("benefit_id", "benefit_quantity", "benefit_label")

    checkout_id = fields.Many2one("clinic.checkout", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="checkout_id.currency_id")
    product_id = fields.Many2one(
        "product.product", string="Treatment", required=True, domain="[('sale_ok', '=', True)]"
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    list_price = fields.Float(related="product_id.lst_price", string="List Price")
    price_unit = fields.Float(
        string="Member Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Price",
    )
    price_total = fields.Monetary(string="Amount", compute="_compute_price_total")
    benefit_id = fields.Many2one(
        "clinic.membership.benefit",
        string="Member Benefit",
        compute="_compute_benefit",
        help="The tier benefit that gives this treatment free, while the member has some left this period.",
    )
    benefit_quantity = fields.Integer(
        string="Free",
        compute="_compute_benefit",
        help="How many of the quantity the member's benefit gives free; the rest is charged at her tier price.",
    )
    benefit_label = fields.Char(string="Benefit", compute="_compute_benefit")

    @api.depends(
        "product_id",
        "quantity",
        "checkout_id.partner_id",
        "checkout_id.line_ids.product_id",
        "checkout_id.line_ids.quantity",
    )
    def _compute_benefit(self):
        for checkout in self.checkout_id:
            allocation = checkout._benefit_allocation()
            for line in self.filtered(lambda line, c=checkout: line.checkout_id == c):
                benefit, free = allocation.get(line, (self.env["clinic.membership.benefit"], 0))
                line.benefit_id = benefit
                line.benefit_quantity = free
                line.benefit_label = benefit._label() if free else ""
        for line in self.filtered(lambda line: not line.checkout_id):
            line.benefit_id = False
            line.benefit_quantity = 0
            line.benefit_label = ""

    @api.depends("product_id", "quantity", "checkout_id.partner_id")
    def _compute_price_unit(self):
        for line in self:
            pricelist = line.checkout_id.partner_id.commercial_partner_id.tier_id.pricelist_id
            if pricelist and line.product_id:
                line.price_unit = pricelist._get_product_price(line.product_id, line.quantity or 1.0)
            else:
                line.price_unit = line.product_id.lst_price

    @api.depends("price_unit", "quantity", "product_id", "benefit_quantity")
    def _compute_price_total(self):
        """What the member pays for the line: the quantity her benefit does not give free."""
        for line in self:
            checkout = line.checkout_id
            taxes = line.product_id.taxes_id.filtered(lambda tax, c=checkout.company_id: tax.company_id == c)
            line.price_total = taxes.compute_all(
                line.price_unit, checkout.currency_id, line._paid_quantity(), line.product_id, checkout.partner_id
            )["total_included"]

    def _paid_quantity(self):
        self.ensure_one()
        return max(self.quantity - self.benefit_quantity, 0.0)
