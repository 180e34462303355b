from odoo import fields, models

MAX_BOOKING_HORIZON_DAYS = 366


class ClinicMembershipTier(models.Model):
    _inherit = "clinic.membership.tier"

    booking_horizon_days = fields.Integer(
        string="Books Days Ahead",
        default=30,
        help="How many days ahead members of this tier book consultations and treatments.",
    )
    booking_priority = fields.Boolean(
        string="Books Priority Hours",
        help="Members of this tier book the priority hours of the booking types before they open to all.",
    )
    _sql_constraints = [
        (
            "booking_horizon_days_range",
            f"CHECK(booking_horizon_days BETWEEN 0 AND {MAX_BOOKING_HORIZON_DAYS})",
            "A tier books between 0 and 366 days ahead.",
        ),
    ]

    mailing_list_id = fields.Many2one(
        "mailing.list",
        string="Newsletter List",
        compute="_compute_mailing_list_id",
        help="Mailing list of the tier's members who consented to email, kept in sync with membership.",
    )

    def _compute_mailing_list_id(self):
        lists = self.env["mailing.list"].sudo().search([("clinic_tier_id", "in", self.ids)])
        by_tier = {mailing_list.clinic_tier_id: mailing_list for mailing_list in lists}
        for tier in self:
            tier.mailing_list_id = by_tier.get(tier._origin, self.env["mailing.list"])

    def _clinic_ensure_mailing_list(self):
        """The tier's newsletter list, created when first needed."""
        self.ensure_one()
        mailing_list = self.sudo().mailing_list_id
        if not mailing_list:
            mailing_list = (
                self.env["mailing.list"]
                .sudo()
                .create(
                    {
                        "name": self.env._(
                            "Members %(tier)s (%(company)s)", tier=self.name, company=self.company_id.name
                        ),
                        "clinic_tier_id": self.id,
                        "is_public": False,
                    }
                )
            )
            self.invalidate_recordset(["mailing_list_id"])
        return mailing_list
