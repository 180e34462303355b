from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClinicTreatmentPackage(models.Model):
    """A course of sessions sold at a package price (疗程卡 / 次卡), e.g. 6 x photorejuvenation.

    The template only prices the course; what a member bought lives on the package lines of
    their signed prepaid contract, which keep the price and sessions of the day of sale.
    """

    _name = "clinic.treatment.package"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Treatment Package"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    product_id = fields.Many2one(
        "product.product",
        string="Treatment",
        required=True,
        check_company=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        help="The treatment one session is: each redemption invoices it once.",
    )
    package_kind = fields.Selection(
        [("sessions", "Sessions"), ("unlimited", "Unlimited Sessions for N Months")],
        string="Kind",
        required=True,
        default="sessions",
        help="Sessions: a number of sessions, each paid from the package's price when redeemed. Unlimited "
        "(年卡 / 月卡): any number of visits during the validity; a visit moves no money and a refund gives back "
        "the price pro rata to the time left (法释〔2025〕4号 art. 22).",
    )
    sessions = fields.Integer(required=True, default=6)
    price = fields.Monetary(string="Package Price", required=True, help="What the member pays for all the sessions.")
    validity_months = fields.Integer(
        string="Validity (months)",
        default=12,
        help="Months after signing during which sessions are booked at the package price (0: no limit). "
        "Unused sessions stay refundable after that date: it never takes paid value.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit_price = fields.Monetary(string="Price per Session", compute="_compute_prices")
    list_price = fields.Monetary(
        string="Single-Session Price",
        compute="_compute_prices",
        help="The treatment's list price for one session bought alone.",
    )
    saving_percent = fields.Float(string="Saving (%)", compute="_compute_prices", digits=(5, 1))

    @api.depends("price", "sessions", "package_kind", "product_id.lst_price", "currency_id")
    def _compute_prices(self):
        for package in self:
            currency = package.currency_id or self.env.company.currency_id
            sessions = package.sessions if package.package_kind == "sessions" else 0
            package.unit_price = currency.round(package.price / sessions) if sessions > 0 else 0.0
            package.list_price = package.product_id.lst_price
            package.saving_percent = (
                100.0 * (1 - package.unit_price / package.list_price) if package.list_price > 0 else 0.0
            )

    @api.constrains("sessions", "validity_months", "price", "package_kind")
    def _check_package(self):
        for package in self:
            if package.package_kind == "unlimited" and package.validity_months <= 0:
                raise ValidationError(
                    self.env._("An unlimited plan (%s) runs for a number of months: set its validity.", package.name)
                )
            if package.package_kind == "sessions" and not 0 < package.sessions <= 1000:
                raise ValidationError(self.env._("A package has between 1 and 1,000 sessions."))
            if not 0 <= package.validity_months <= 1200:
                raise ValidationError(self.env._("The validity of a package is between 0 and 1,200 months."))
            if package.currency_id.compare_amounts(package.price, 0.0) <= 0:
                raise ValidationError(self.env._("Package %s needs a price.", package.name))
