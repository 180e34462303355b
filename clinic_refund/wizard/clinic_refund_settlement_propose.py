from odoo import api, fields, models

from ..models.clinic_refund_settlement import PAYMENT_METHODS, SETTLEMENT_BASES


class ClinicRefundSettlementPropose(models.TransientModel):
    _name = "clinic.refund.settlement.propose"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Settle a Refund at a Negotiated Amount"

    request_id = fields.Many2one("clinic.refund.request", required=True, readonly=True)
    currency_id = fields.Many2one(related="request_id.currency_id")
    amount_quoted = fields.Monetary(related="request_id.amount_refundable", string="Contract Terms Give")
    principal_left = fields.Monetary(related="request_id.contract_id.balance_principal", string="Principal Left")
    basis = fields.Selection(SETTLEMENT_BASES, required=True, default="agreement")
    amount = fields.Monetary(string="Agreed Amount", required=True)
    reason = fields.Text(string="Why This Amount", required=True)
    payment_method = fields.Selection(PAYMENT_METHODS, required=True, default="bank_transfer")
    date_due = fields.Date(
        string="Paid By", required=True, compute="_compute_date_due", store=True, readonly=False, precompute=True
    )
    decision_reference = fields.Char(help="Number of the mediation record or of the judgment.")

    @api.depends("request_id")
    def _compute_date_due(self):
        for wizard in self:
            wizard.date_due = max(wizard.request_id.date_due or fields.Date.today(), fields.Date.context_today(self))

    def action_confirm(self):
        self.ensure_one()
        self.request_id._propose_settlement(
            {
                "basis": self.basis,
                "amount": self.amount,
                "reason": self.reason,
                "payment_method": self.payment_method,
                "date_due": self.date_due,
                "decision_reference": self.decision_reference,
            }
        )
        return {"type": "ir.actions.act_window_close"}
