from odoo import fields, models


class ClinicTierChange(models.Model):
    _name = "clinic.tier.change"
    _inherit = ["clinic.ledger.mixin", "clinic.guarded.mixin"]
    _description = "Member Tier Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    old_tier_id = fields.Many2one("clinic.membership.tier", ondelete="restrict")
    new_tier_id = fields.Many2one("clinic.membership.tier", ondelete="restrict")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    reason = fields.Selection(
        [
            ("enrol", "Enrolment"),
            ("upgrade", "Upgrade"),
            ("downgrade", "Downgrade (periodic evaluation)"),
            ("manual", "Manual change"),
            ("leave", "Left membership"),
            ("opening", "Brought over from the previous system"),
        ],
        required=True,
    )
    qualifying_spend = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Changed by", default=lambda self: self.env.user)
