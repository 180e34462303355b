from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "clinic.guarded.mixin"]

    clinic_spend_window = fields.Selection(
        [
            ("lifetime", "Lifetime"),
            ("rolling_12", "Trailing 12 months"),
            ("calendar_year", "Calendar year"),
        ],
        string="Qualifying Spend Window",
        default="rolling_12",
        required=True,
    )
    clinic_upgrade_trigger = fields.Selection(
        [("posted", "When the invoice is posted"), ("paid", "When the invoice is paid")],
        string="Upgrade Members",
        default="posted",
        required=True,
    )
    clinic_upgrade_mail = fields.Boolean(string="Mail Members on Upgrade", default=True)
    clinic_points_validity_months = fields.Integer(
        string="Points Validity (months)",
        default=24,
        help="Earned points expire after this many months; 0 never.",
    )
    clinic_points_warning_days = fields.Integer(
        string="Expiry Warning (days)",
        default=30,
        help="Members are mailed this many days before points expire.",
    )
    clinic_point_value = fields.Monetary(
        string="Value of One Point",
        currency_field="currency_id",
        default=0.01,
        help="Discount given for each point redeemed on an invoice.",
    )
    clinic_points_discount_product_id = fields.Many2one(
        "product.product",
        string="Points Discount Product",
        help="Product of the discount line added to an invoice when points are redeemed.",
    )

    def _clinic_spend_window_start(self, today):
        """First invoice date that counts toward qualifying spend (None: since ever)."""
        self.ensure_one()
        if self.clinic_spend_window == "rolling_12":
            return today - relativedelta(years=1) + relativedelta(days=1)
        if self.clinic_spend_window == "calendar_year":
            return today.replace(month=1, day=1)
        return None

    @api.model
    def _clinic_set_default_points_product(self):
        product = self.env.ref("clinic_membership.product_points_discount", raise_if_not_found=False)
        if product:
            self.search([("clinic_points_discount_product_id", "=", False)]).clinic_points_discount_product_id = product
