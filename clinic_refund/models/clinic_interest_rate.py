import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero

RATE_KINDS = [
    ("lpr", "One-year LPR"),
    ("deposit", "One-year deposit benchmark rate"),
]


class ClinicInterestRate(models.Model):
    """A published yearly rate, in force from its date until the next one of its kind: what a refund's
    interest runs at when the contract agreed none (法释〔2025〕4号 art. 16). Rates are dated data, loaded
    with their source; a manager adds each new announcement."""

    _name = "clinic.interest.rate"
    _description = "Published Interest Rate"
    _order = "kind, date_from desc"
    _rec_name = "date_from"

    kind = fields.Selection(RATE_KINDS, required=True)
    date_from = fields.Date(string="In Force From", required=True)
    rate = fields.Float(string="Rate (%/year)", digits=(6, 2), required=True)
    source = fields.Char(
        string="Published By", required=True, help="Who published the rate, and where (announcement, page)."
    )

    _sql_constraints = [
        ("kind_date_uniq", "UNIQUE(kind, date_from)", "One rate of each kind comes into force on a given day."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("kind") or not vals.get("date_from"):
                raise ValidationError(self.env._("A published rate needs its kind and the day it came into force."))
            self._check_rate_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_rate_value(vals)
        return super().write(vals)

    def _check_rate_value(self, vals):
        """A rate is a number (NaN, infinities and text are refused before the database sees them)."""
        rate = vals.get("rate", 1.0)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate):
            raise ValidationError(self.env._("A published rate is above 0 and at most 100 percent a year."))

    @api.constrains("rate")
    def _check_rate(self):
        for row in self:
            if not 0 < row.rate <= 100 or float_is_zero(row.rate, precision_digits=4):
                raise ValidationError(self.env._("A published rate is above 0 and at most 100 percent a year."))

    @api.model
    def _rate_on(self, kind, day):
        """The rate of ``kind`` in force on ``day`` (a record, empty when none was published by then)."""
        return self.sudo().search([("kind", "=", kind), ("date_from", "<=", day)], order="date_from desc", limit=1)

    @api.model
    def _check_rate_on(self, kind, day):
        rate = self._rate_on(kind, day)
        if not rate:
            raise UserError(
                self.env._(
                    "No %(kind)s in force on %(date)s is recorded: a Clinic Manager adds it under Clinic > "
                    "Configuration > Interest Rates, with its source.",
                    kind=dict(self._fields["kind"]._description_selection(self.env))[kind],
                    date=fields.Date.to_string(day),
                )
            )
        return rate
