from odoo import api, fields, models


class ClinicCheckoutLine(models.TransientModel):
    _name = "clinic.checkout.line"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Checkout Line"

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

    @api.depends("product_id", "quantity", "checkout_id.partner_id")
    def _compute_price_unit(self):
        for line in self:
            pricelist = line.checkout_id.partner_id.commercial_partner_id.tier_id.pricelist_id
            if pricelist and line.product_id:
                line.price_unit = pricelist._get_product_price(line.product_id, line.quantity or 1.0)
            else:
                line.price_unit = line.product_id.lst_price

    @api.depends("price_unit", "quantity", "product_id")
    def _compute_price_total(self):
        for line in self:
            checkout = line.checkout_id
            taxes = line.product_id.taxes_id.filtered(lambda tax, c=checkout.company_id: tax.company_id == c)
            line.price_total = taxes.compute_all(
                line.price_unit, checkout.currency_id, line.quantity, line.product_id, checkout.partner_id
            )["total_included"]
