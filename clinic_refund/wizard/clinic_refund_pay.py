from odoo import api, fields, models


class ClinicRefundPay(models.TransientModel):
    _name = "clinic.refund.pay"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Pay a Refund"

    request_id = fields.Many2one("clinic.refund.request", required=True)
    company_id = fields.Many2one(related="request_id.company_id")
    currency_id = fields.Many2one(related="request_id.currency_id")
    amount = fields.Monetary(related="request_id.amount_requested")
    fee_amount = fields.Monetary(compute="_compute_fee_amount")
    amount_interest = fields.Monetary(
        string="Interest",
        compute="_compute_amount_interest",
        help="Interest to the payment date, paid with the refund from financial expenses "
        "(法释〔2025〕4号 arts. 15-17).",
    )
    amount_total = fields.Monetary(string="Total Paid Out", compute="_compute_amount_interest")
    journal_id = fields.Many2one(
        "account.journal",
        string="Pay From",
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.depends("request_id")
    def _compute_fee_amount(self):
        for wizard in self:
            wizard.fee_amount = wizard.request_id._fee_charged()

    @api.depends("request_id", "date")
    def _compute_amount_interest(self):
        for wizard in self:
            _days, interest = wizard.request_id._interest_until(wizard.date) if wizard.request_id else (0, 0.0)
            wizard.amount_interest = interest
            wizard.amount_total = wizard.currency_id.round(wizard.amount + interest) if wizard.currency_id else 0.0

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.company_id._clinic_default_money_journal() if wizard.company_id else False

    def action_confirm(self):
        self.ensure_one()
        self.request_id._pay(self.journal_id, self.date)
        return {"type": "ir.actions.act_window_close"}
