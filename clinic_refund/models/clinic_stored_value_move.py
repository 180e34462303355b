from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .account_move import STORED_VALUE_FLOW

MOVE_TYPES = [
    ("topup", "Top-up"),
    ("consume", "Consumption"),
    ("refund", "Refund"),
    ("fee", "Refund Fee"),
    ("forfeit", "Forfeit"),
    ("adjust", "Adjustment"),
    ("reversal", "Reversal"),
]
# Rows whose accounting entry is a payment made by the caller (bank or cash side).
PAYMENT_TYPES = ("topup", "refund")


class ClinicStoredValueMove(models.Model):
    _name = "clinic.stored.value.move"
    _description = "Stored Value Journal Row"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.name", "contract_id.name"]

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    contract_id = fields.Many2one(
        "clinic.prepaid.contract",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Member", related="contract_id.partner_id", store=True, index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True)
    move_type = fields.Selection(MOVE_TYPES, string="Type", required=True, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted")], required=True, default="draft", readonly=True, index=True
    )
    amount_principal = fields.Monetary(string="Principal", help="Signed: positive adds to the balance.")
    amount_bonus = fields.Monetary(string="Bonus", help="Signed: positive adds to the balance.")
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total", store=True)
    balance_principal_after = fields.Monetary(string="Principal Balance After", readonly=True, copy=False)
    balance_bonus_after = fields.Monetary(string="Bonus Balance After", readonly=True, copy=False)
    account_move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, index="btree_not_null"
    )
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    invoice_id = fields.Many2one("account.move", readonly=True, copy=False, index="btree_not_null")
    reversed_id = fields.Many2one(
        "clinic.stored.value.move", string="Reverses", readonly=True, copy=False, index="btree_not_null"
    )
    reversal_ids = fields.One2many("clinic.stored.value.move", "reversed_id", string="Reversed By")
    adjust_account_id = fields.Many2one(
        "account.account",
        string="Counterpart Account",
        check_company=True,
        help="For an adjustment of principal: the account that balances the stored-value liability.",
    )
    reason = fields.Text()
    refund_request_id = fields.Many2one("clinic.refund.request", readonly=True, copy=False, index="btree_not_null")
    user_id = fields.Many2one("res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True)

    # ------------------------------------------------------------------ computes and checks

    @api.depends("amount_principal", "amount_bonus")
    def _compute_amount_total(self):
        for row in self:
            row.amount_total = row.amount_principal + row.amount_bonus

    @api.model
    def _check_precision(self, currency, amount):
        """Amounts with more decimals than the currency are refused, never silently rounded."""
        if amount is None or amount is False:
            return
        if float_compare(amount, currency.round(amount), precision_digits=10) != 0:
            raise ValidationError(
                self.env._(
                    "%(amount)s has more decimals than %(currency)s allows (%(digits)s).",
                    amount=amount,
                    currency=currency.name,
                    digits=currency.decimal_places,
                )
            )

    def _check_postable(self):
        self.ensure_one()
        currency = self.currency_id
        if self.state != "draft":
            raise UserError(self.env._("Stored value row %s is already posted.", self.name))
        if currency.is_zero(self.amount_principal) and currency.is_zero(self.amount_bonus):
            raise UserError(self.env._("A stored value row needs a non-zero principal or bonus amount."))
        signs = {
            "topup": 1,
            "consume": -1,
            "refund": -1,
            "fee": -1,
            "forfeit": -1,
        }
        sign = signs.get(self.move_type)
        for amount in (self.amount_principal, self.amount_bonus):
            if sign and currency.compare_amounts(amount * sign, 0.0) < 0:
                raise UserError(
                    self.env._(
                        "A %(type)s row cannot carry a %(direction)s amount.",
                        type=dict(MOVE_TYPES)[self.move_type],
                        direction=self.env._("negative") if sign > 0 else self.env._("positive"),
                    )
                )
        if self.move_type == "topup" and currency.compare_amounts(self.amount_principal, 0.0) <= 0:
            raise UserError(self.env._("A top-up needs a positive amount paid."))
        if self.move_type in ("topup", "consume"):
            self.contract_id._check_active()
        if self.move_type == "reversal" and not self.reversed_id:
            raise UserError(self.env._("A reversal row must name the row it reverses."))
        if self.move_type == "adjust" and not self.reason:
            raise UserError(self.env._("An adjustment needs a reason."))

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        contracts = self.env["clinic.prepaid.contract"]
        for vals in vals_list:
            contract = contracts.browse(vals.get("contract_id"))
            for fname in ("amount_principal", "amount_bonus"):
                self._check_precision(contract.currency_id or self.env.company.currency_id, vals.get(fname))
            if vals.get("state", "draft") != "draft":
                raise UserError(self.env._("Stored value rows are created in draft and posted by the application."))
        return super().create(vals_list)

    def write(self, vals):
        if any(row.state == "posted" for row in self):
            raise UserError(self.env._("Posted stored value rows cannot be changed; record a reversal instead."))
        for row in self:
            for fname in ("amount_principal", "amount_bonus"):
                self._check_precision(row.currency_id, vals.get(fname))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(row.state == "posted" for row in self):
            raise UserError(self.env._("Posted stored value rows cannot be deleted; record a reversal instead."))

    # ------------------------------------------------------------------ posting

    @api.model
    def _create_and_post(self, vals):
        """Create a row and post it with its accounting entry: the entry point for every flow."""
        row = self.create(vals)
        row._post()
        return row

    def action_post(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager can post a manual stored value row."))
        for row in self:
            if row.move_type not in ("adjust",):
                raise UserError(self.env._("Only adjustments are posted by hand; other rows come from their flows."))
        self._post()
        return True

    def _post(self):
        for row in self:
            row.contract_id._lock_stored_value()
            row._check_postable()
            contract = row.contract_id
            currency = row.currency_id
            principal_after = currency.round(contract.balance_principal + row.amount_principal)
            bonus_after = currency.round(contract.balance_bonus + row.amount_bonus)
            if currency.compare_amounts(principal_after, 0.0) < 0 or currency.compare_amounts(bonus_after, 0.0) < 0:
                raise UserError(
                    self.env._(
                        "Not enough stored value on contract %(contract)s: principal %(principal)s, "
                        "bonus %(bonus)s available.",
                        contract=contract.name,
                        principal=contract.balance_principal,
                        bonus=contract.balance_bonus,
                    )
                )
            if not row.account_move_id:
                row._create_account_move()
            row._check_account_move()
            row.write(
                {
                    "name": self.env["ir.sequence"]
                    .with_company(row.company_id)
                    .next_by_code("clinic.stored.value.move"),
                    "state": "posted",
                    "balance_principal_after": principal_after,
                    "balance_bonus_after": bonus_after,
                }
            )
            contract.invalidate_recordset(["balance_principal", "balance_bonus"])

    def _create_account_move(self):
        """Post the entry of this row, or of its reversal (see DESIGN.md's accounting table)."""
        self.ensure_one()
        currency = self.currency_id
        if self.move_type == "reversal" and not self.invoice_id:
            self.account_move_id = self._reverse_original_entry()
            return
        if currency.is_zero(self.amount_principal) and not self.invoice_id:
            return  # bonus-only rows live in the sub-ledger only
        if self.move_type in PAYMENT_TYPES:
            raise UserError(self.env._("A %s row needs its payment.", dict(MOVE_TYPES)[self.move_type]))
        company = self.company_id
        company._clinic_check_stored_value_accounting()
        lines = [self._entry_line(company.clinic_stored_value_account_id, -self.amount_principal)]
        counterparts = self._entry_counterparts()
        lines += [self._entry_line(account, balance, partner) for account, balance, partner in counterparts]
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": company.clinic_stored_value_journal_id.id,
                    "date": self.date,
                    "partner_id": self.partner_id.id,
                    "ref": self._entry_label(),
                    "line_ids": [(0, 0, line) for line in lines if not currency.is_zero(line["balance"])],
                }
            )
        )
        move.action_post()
        self.account_move_id = move

    def _entry_counterparts(self):
        company = self.company_id
        if self.invoice_id:
            # Consumption or its reversal by a credit note: bonus against the bonus expense,
            # the total against the customer's receivable.
            receivable = self.invoice_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )[:1].account_id
            return [
                (company.clinic_stored_value_bonus_account_id, -self.amount_bonus, self.partner_id),
                (
                    receivable,
                    self.amount_principal + self.amount_bonus,
                    self.invoice_id.commercial_partner_id,
                ),
            ]
        account = {
            "fee": company.clinic_stored_value_fee_account_id,
            "forfeit": company.clinic_stored_value_forfeit_account_id,
            "adjust": self.adjust_account_id,
        }.get(self.move_type)
        if not account:
            raise UserError(self.env._("Choose the counterpart account of the adjustment."))
        return [(account, self.amount_principal, self.partner_id)]

    def _entry_line(self, account, balance, partner=None):
        return {
            "name": self._entry_label(),
            "account_id": account.id,
            "partner_id": (partner or self.partner_id).id,
            "balance": balance,
            "currency_id": self.currency_id.id,
            "amount_currency": balance,
        }

    def _entry_label(self):
        return self.env._(
            "Stored value %(type)s - %(contract)s",
            type=dict(MOVE_TYPES)[self.move_type],
            contract=self.contract_id.name,
        )

    def _reverse_original_entry(self):
        original = self.reversed_id.account_move_id
        if not original:
            return self.env["account.move"]
        reverse = original.with_context(clinic_stored_value_entry=STORED_VALUE_FLOW)._reverse_moves(
            [{"date": self.date, "ref": self.env._("Reversal of %s", self.reversed_id.name)}], cancel=True
        )
        return reverse

    def _check_account_move(self):
        """The entry must move the liability by exactly the row's principal: the ledger invariant."""
        self.ensure_one()
        liability = self.company_id.clinic_stored_value_account_id
        lines = self.account_move_id.line_ids.filtered(lambda line: line.account_id == liability)
        if self.account_move_id and self.account_move_id.state != "posted":
            raise UserError(self.env._("The journal entry of a stored value row must be posted."))
        moved = -sum(lines.mapped("balance"))
        if self.currency_id.compare_amounts(moved, self.amount_principal) != 0:
            raise UserError(
                self.env._(
                    "The journal entry of %(row)s moves %(moved)s on the stored-value liability account "
                    "instead of %(principal)s.",
                    row=self.display_name,
                    moved=moved,
                    principal=self.amount_principal,
                )
            )
        if lines.partner_id - self.partner_id:
            raise UserError(self.env._("The stored-value liability must be booked on the contract's member."))

    def _reconcile_with_invoice(self):
        """Reconcile the receivable line of this row's entry with the invoice (or credit note)."""
        self.ensure_one()
        receivable_lines = self.account_move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        targets = self.invoice_id
        if self.move_type == "reversal":
            # A credit note: give the value back against what is still open on it, and on the
            # consumption entries it undoes (when Odoo already matched it with the invoice).
            targets |= self.invoice_id.reversed_entry_id.clinic_stored_value_move_ids.account_move_id
        open_lines = targets.line_ids.filtered(
            lambda line: line.account_id in receivable_lines.account_id and not line.reconciled
        )
        (receivable_lines | open_lines).sudo().reconcile()

    # ------------------------------------------------------------------ reversal

    def _clinic_unreversed_amounts(self):
        """(principal, bonus) of a consumption not given back yet, as positive amounts."""
        self.ensure_one()
        reversals = self.reversal_ids.filtered(lambda row: row.state == "posted")
        currency = self.currency_id
        return (
            currency.round(-self.amount_principal - sum(reversals.mapped("amount_principal"))),
            currency.round(-self.amount_bonus - sum(reversals.mapped("amount_bonus"))),
        )

    def action_reverse(self):
        """Reverse posted rows with a reversal row and the reversal of their entry (managers)."""
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager can reverse stored value rows."))
        reversals = self.env["clinic.stored.value.move"]
        for row in self:
            if row.state != "posted" or row.move_type == "reversal" or row.reversal_ids:
                raise UserError(self.env._("Row %s cannot be reversed (not posted, or already reversed).", row.name))
            reversals |= self._create_and_post(
                {
                    "contract_id": row.contract_id.id,
                    "move_type": "reversal",
                    "amount_principal": -row.amount_principal,
                    "amount_bonus": -row.amount_bonus,
                    "reversed_id": row.id,
                    "reason": self.env._("Reversal of %s", row.name),
                }
            )
        return reversals

    def action_open_account_move(self):
        self.ensure_one()
        return self.account_move_id._get_records_action()

    def action_open_source(self):
        self.ensure_one()
        source = self.payment_id or self.invoice_id or self.reversed_id
        return source._get_records_action() if source else False
