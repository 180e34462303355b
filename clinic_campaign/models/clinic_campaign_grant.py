from odoo import api, fields, models


class ClinicCampaignGrant(models.Model):
    """What a campaign gave one member for one period: the log that makes the automations idempotent."""

    _name = "clinic.campaign.grant"
    _inherit = ["clinic.ledger.mixin", "clinic.guarded.mixin"]
    _description = "Campaign Grant"
    _order = "date desc, id desc"
    _rec_name = "campaign_id"

    campaign_id = fields.Many2one("utm.campaign", required=True, ondelete="cascade", index=True)
    clinic_campaign_type = fields.Selection(related="campaign_id.clinic_campaign_type", store=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    period_key = fields.Char(
        string="Period", required=True, help="Year, month or occasion the grant is for: granted once per period."
    )
    period_display = fields.Char(string="Period Granted", compute="_compute_period_display")
    date = fields.Date(required=True, default=fields.Date.context_today)
    points_move_id = fields.Many2one("clinic.points.move", string="Points Row", ondelete="restrict", readonly=True)
    points = fields.Integer(related="points_move_id.points", string="Points Granted")
    referee_id = fields.Many2one(
        "res.partner",
        string="Referred Member",
        ondelete="set null",
        index="btree_not_null",
        help="Referral rewards only.",
    )
    contact_state = fields.Selection(
        [
            ("sent", "Mailed"),
            ("activity", "Consultant to contact"),
            ("no_consent", "Skipped: no consent"),
            ("no_email", "Skipped: no email address"),
            ("none", "No message"),
        ],
        string="Contact",
        default="none",
        required=True,
    )

    @api.depends("period_key", "referee_id")
    def _compute_period_display(self):
        """The period in words: the key is what makes a grant unique, not something to show."""
        for grant in self:
            key = grant.period_key or ""
            if key == "welcome":
                label = self.env._("On joining")
            elif key == "holiday":
                label = self.env._("Holiday")
            elif key == "launch":
                label = self.env._("Campaign launch")
            elif key.startswith("referee-"):
                label = self.env._("Referral of %s", grant.referee_id.name or "")
            elif len(key) == 7 and key[4] == "-":
                label = self.env._("%(year)s-%(month)s", year=key[:4], month=key[5:])
            elif key.isdigit():
                label = self.env._("Year %s", key)
            else:
                label = key
            grant.period_display = label

    _sql_constraints = [
        (
            "campaign_partner_period_uniq",
            "UNIQUE(campaign_id, partner_id, period_key)",
            "A campaign rewards a member once per period.",
        ),
    ]
