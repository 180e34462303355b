from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicStoredValuePay(models.TransientModel):
    _name = "clinic.stored.value.pay"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Pay an Invoice from Stored Value"
    _check_company_auto = True

    invoice_id = fields.Many2one("account.move", required=True, readonly=True)
    partner_id = fields.Many2one(related="invoice_id.commercial_partner_id", string="Member")
    company_id = fields.Many2one(related="invoice_id.company_id")
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_residual = fields.Monetary(related="invoice_id.amount_residual", string="Left to Pay")
    contract_id = fields.Many2one(
        "clinic.prepaid.contract",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'active'), ('company_id', '=', company_id)]",
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    balance_principal = fields.Monetary(related="contract_id.balance_principal")
    balance_bonus = fields.Monetary(related="contract_id.balance_bonus")
    consumption_order = fields.Selection(related="contract_id.consumption_order")
    amount = fields.Monetary(
        string="Amount to Pay", compute="_compute_amount", store=True, readonly=False, precompute=True
    )
    amount_principal = fields.Monetary(string="From Principal", compute="_compute_split")
    amount_bonus = fields.Monetary(string="From Bonus", compute="_compute_split")
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.depends("invoice_id")
    def _compute_contract_id(self):
        for wizard in self:
            wizard.contract_id = self.env["clinic.prepaid.contract"].search(
                [
                    ("partner_id", "child_of", wizard.invoice_id.commercial_partner_id.id),
                    ("state", "=", "active"),
                    ("company_id", "=", wizard.invoice_id.company_id.id),
                ],
                order="balance_principal desc, balance_bonus desc, id",
                limit=1,
            )

    @api.depends("contract_id", "invoice_id")
    def _compute_amount(self):
        for wizard in self:
            available = wizard.contract_id._stored_value_free() if wizard.contract_id else 0.0
            wizard.amount = min(wizard.invoice_id.amount_residual, available)

    @api.depends("amount", "contract_id")
    def _compute_split(self):
        for wizard in self:
            wizard.amount_principal = wizard.amount_bonus = 0.0
            if wizard.contract_id and wizard.currency_id.compare_amounts(wizard.amount, 0.0) > 0:
                try:
                    principal, bonus = wizard.contract_id._split_consumption(wizard.amount)
                except UserError:
                    continue
                wizard.amount_principal, wizard.amount_bonus = principal, bonus

    def action_confirm(self):
        self.ensure_one()
        if not self.contract_id:
            raise UserError(self.env._("%s has no active prepaid contract to pay from.", self.partner_id.display_name))
        self.contract_id._consume_stored_value(self.amount, self.invoice_id, self.date)
        return {"type": "ir.actions.act_window_close"}
