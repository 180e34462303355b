from odoo import fields, models
from odoo.exceptions import UserError


class ClinicStoredValueAdjust(models.TransientModel):
    """A manager's correction of a contract's stored value, with its reason and counterpart account."""

    _name = "clinic.stored.value.adjust"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Adjust Stored Value"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "clinic.prepaid.contract", required=True, check_company=True, domain="[('state', '=', 'active')]"
    )
    partner_id = fields.Many2one(related="contract_id.partner_id")
    company_id = fields.Many2one(related="contract_id.company_id")
    currency_id = fields.Many2one(related="contract_id.currency_id")
    balance_principal = fields.Monetary(related="contract_id.balance_principal")
    balance_bonus = fields.Monetary(related="contract_id.balance_bonus")
    amount_principal = fields.Monetary(string="Principal", help="Positive adds to the balance, negative takes from it.")
    amount_bonus = fields.Monetary(string="Bonus", help="Positive adds to the balance, negative takes from it.")
    adjust_account_id = fields.Many2one(
        "account.account",
        string="Counterpart Account",
        check_company=True,
        help="The account that balances the change of principal (an expense, an income or an equity account).",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)

    def _check_can_adjust(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager can adjust stored value."))

    def action_confirm(self):
        self.ensure_one()
        self._check_can_adjust()
        self.env["clinic.stored.value.move"]._post_rows(
            [
                {
                    "contract_id": self.contract_id.id,
                    "move_type": "adjust",
                    "date": self.date,
                    "amount_principal": self.amount_principal,
                    "amount_bonus": self.amount_bonus,
                    "adjust_account_id": self.adjust_account_id.id,
                    "reason": self.reason,
                }
            ]
        )
        return {"type": "ir.actions.act_window_close"}
