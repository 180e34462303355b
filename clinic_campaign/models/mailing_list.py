from odoo import fields, models


class MailingList(models.Model):
    _inherit = "mailing.list"

    clinic_tier_id = fields.Many2one(
        "clinic.membership.tier",
        string="Member Tier",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="Newsletter list of this tier's members, kept in sync with membership and email consent.",
    )

    _sql_constraints = [
        ("clinic_tier_uniq", "UNIQUE(clinic_tier_id)", "A member tier has one newsletter list."),
    ]
