from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _clinic_price_without_taxes(self, price):
        """The unit price to invoice so that, the line's taxes added, one unit costs ``price``
        (a package is sold tax included, as the member pays it)."""
        self.ensure_one()
        excluded = self.tax_ids.filtered(lambda tax: not tax.price_include)
        if not excluded:
            return price
        return excluded.with_context(force_price_include=True).compute_all(
            price, currency=self.currency_id, product=self.product_id, partner=self.partner_id
        )["total_excluded"]
