from odoo import api, fields, models
from odoo.tools import SQL


class ClinicMemberCardLoss(models.Model):
    """A member card reported lost (挂失), and the number issued in its place (补办).

    法释〔2025〕4号 art. 24: a member whose named card still holds value may have it reported lost
    and reissued. The lost number is blocked at once (the desk's search refuses it, with this
    record's date), the member keeps her balances, ledgers and history under a new number from
    the same sequence, and this row keeps, for good, which number was lost, when, by whom and how
    it was reported. Rows are recorded by ``res.partner._do_report_card_lost`` only, never changed
    or deleted (``clinic.ledger.mixin``).
    """

    _name = "clinic.member.card.loss"
    _inherit = ["clinic.ledger.mixin", "clinic.guarded.mixin"]
    _description = "Lost Member Card"
    _order = "date desc, id desc"
    _rec_name = "lost_number"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    lost_number = fields.Char(string="Lost Card Number", required=True, index=True)
    new_number = fields.Char(string="New Member Number", required=True)
    date = fields.Datetime(string="Reported On", required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Reported By", required=True, default=lambda self: self.env.user)
    channel = fields.Selection(
        [("desk", "At the front desk"), ("portal", "By the member, in the portal")],
        string="Reported",
        required=True,
    )

    _sql_constraints = [
        (
            "lost_number_company_uniq",
            "UNIQUE(company_id, lost_number)",
            "A member card is reported lost once.",
        ),
    ]

    @api.model
    def _find_lost_number(self, value, companies):
        """The loss of the card numbered ``value`` (whatever its case) in ``companies``, if it was lost."""
        if not value or len(value) > 256 or not companies:
            return self.browse()
        self.flush_model(["lost_number", "company_id"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM clinic_member_card_loss WHERE upper(lost_number) = upper(%s) AND company_id = ANY(%s) "
                "ORDER BY id LIMIT 1",
                value,
                companies.ids,
            )
        )
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
