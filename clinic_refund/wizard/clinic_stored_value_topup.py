from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicStoredValueTopup(models.TransientModel):
    _name = "clinic.stored.value.topup"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Top Up Stored Value"
    _check_company_auto = True

    contract_id = fields.Many2one("clinic.prepaid.contract", required=True, check_company=True)
    partner_id = fields.Many2one(related="contract_id.partner_id")
    company_id = fields.Many2one(related="contract_id.company_id")
    currency_id = fields.Many2one(related="contract_id.currency_id")
    amount = fields.Monetary(
        string="Amount Paid", compute="_compute_amounts", store=True, readonly=False, precompute=True
    )
    amount_bonus = fields.Monetary(
        string="Bonus", compute="_compute_amounts", store=True, readonly=False, precompute=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid Into",
        required=True,
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    memo = fields.Char()

    @api.depends("contract_id")
    def _compute_amounts(self):
        for wizard in self:
            contract = wizard.contract_id
            # what the contract was signed for and is not paid in yet
            wizard.amount = max(contract.amount_principal - contract.paid_principal, 0.0)
            wizard.amount_bonus = max(contract.amount_bonus - contract.paid_bonus, 0.0)

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.company_id._clinic_default_money_journal() if wizard.company_id else False

    def _check_can_topup(self):
        self.ensure_one()
        currency = self.currency_id
        if currency.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(self.env._("The amount paid for a top-up must be positive."))
        if currency.compare_amounts(self.amount_bonus, 0.0) < 0:
            raise UserError(self.env._("The bonus of a top-up cannot be negative."))

    def action_confirm(self):
        self.ensure_one()
        self._check_can_topup()
        self.env["clinic.stored.value.move"]._post_rows(
            [
                {
                    "contract_id": self.contract_id.id,
                    "move_type": "topup",
                    "date": self.date,
                    "amount_principal": self.amount,
                    "amount_bonus": self.amount_bonus,
                    "journal_id": self.journal_id.id,
                    "reason": self.memo or self.env._("Stored value top-up - %s", self.contract_id.name),
                }
            ]
        )
        return {"type": "ir.actions.act_window_close"}
