from odoo import fields, models


class ClinicMembershipTier(models.Model):
    _inherit = "clinic.membership.tier"

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
