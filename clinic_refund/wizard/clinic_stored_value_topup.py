from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicStoredValueTopup(models.TransientModel):
    _name = "clinic.stored.value.topup"
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
            topped_up = contract.move_ids.filtered(lambda r: r.state == "posted" and r.move_type == "topup")
            first = not topped_up
            wizard.amount = contract.amount_principal if first else 0.0
            wizard.amount_bonus = contract.amount_bonus if first else 0.0

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.company_id._clinic_default_money_journal() if wizard.company_id else False

    @api.model_create_multi
    def create(self, vals_list):
        StoredValue = self.env["clinic.stored.value.move"]
        for vals in vals_list:
            contract = self.env["clinic.prepaid.contract"].browse(vals.get("contract_id"))
            for fname in ("amount", "amount_bonus"):
                StoredValue._check_precision(contract.currency_id or self.env.company.currency_id, vals.get(fname))
        return super().create(vals_list)

    def write(self, vals):
        for wizard in self:
            for fname in ("amount", "amount_bonus"):
                self.env["clinic.stored.value.move"]._check_precision(wizard.currency_id, vals.get(fname))
        return super().write(vals)

    def _check_topup(self):
        contract = self.contract_id
        currency = contract.currency_id
        contract._check_active()
        if currency.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(self.env._("The amount paid for a top-up must be positive."))
        if currency.compare_amounts(self.amount_bonus, 0.0) < 0:
            raise UserError(self.env._("The bonus of a top-up cannot be negative."))
        if self.journal_id.type not in ("bank", "cash") or self.journal_id.company_id != contract.company_id:
            raise UserError(self.env._("Choose a bank or cash journal of %s.", contract.company_id.name))
        journal_currency = self.journal_id.currency_id or self.journal_id.company_id.currency_id
        if journal_currency != currency:
            raise UserError(
                self.env._(
                    "Journal %(journal)s works in %(journal_currency)s, contract %(contract)s in %(currency)s.",
                    journal=self.journal_id.name,
                    journal_currency=journal_currency.name,
                    contract=contract.name,
                    currency=currency.name,
                )
            )
        contract.company_id._clinic_check_stored_value_accounting()

    def action_confirm(self):
        self.ensure_one()
        self.contract_id._lock_stored_value()
        self._check_topup()
        payment = self._create_payment()
        self.env["clinic.stored.value.move"]._create_and_post(
            {
                "contract_id": self.contract_id.id,
                "move_type": "topup",
                "date": self.date,
                "amount_principal": self.amount,
                "amount_bonus": self.amount_bonus,
                "payment_id": payment.id,
                "account_move_id": payment.move_id.id,
            }
        )
        return {"type": "ir.actions.act_window_close"}

    def _create_payment(self):
        contract = self.contract_id
        company = contract.company_id
        method_line = self.journal_id._get_available_payment_method_lines("inbound")[:1]
        if not method_line:
            raise UserError(self.env._("Journal %s has no incoming payment method.", self.journal_id.name))
        payment = (
            self.env["account.payment"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": contract.partner_id.id,
                    "amount": self.amount,
                    "currency_id": contract.currency_id.id,
                    "journal_id": self.journal_id.id,
                    "payment_method_line_id": method_line.id,
                    "date": self.date,
                    "memo": self.memo or self.env._("Stored value top-up - %s", contract.name),
                    "destination_account_id": company.clinic_stored_value_account_id.id,
                    "company_id": company.id,
                }
            )
        )
        payment.action_post()
        if not payment.move_id or payment.move_id.state != "posted":
            raise UserError(self.env._("The top-up payment could not be posted."))
        return payment
