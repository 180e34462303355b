from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.clinic_membership.models.clinic_guarded_mixin import EARLIEST_BUSINESS_DATE
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang

MOVE_TYPES = [
    ("topup", "Top-up"),
    ("consume", "Consumption"),
    ("refund", "Refund"),
    ("fee", "Refund Fee"),
    ("forfeit", "Forfeit"),
    ("adjust", "Adjustment"),
    ("reversal", "Reversal"),
    ("opening", "Opening Balance"),
    ("transfer", "Transfer"),
]
# Rows whose accounting entry is a payment (bank or cash side): inbound for a top-up, outbound for a refund.
PAYMENT_DIRECTIONS = {"topup": "inbound", "refund": "outbound"}
# The sign every amount of a row of this type must have (adjustments and reversals go both ways).
SIGNS = {"topup": 1, "opening": 1, "consume": -1, "refund": -1, "fee": -1, "forfeit": -1}


class ClinicStoredValueMove(models.Model):
    """One immutable row of the stored-value journal (储值流水), and the only owner of its money.

    Flows (top-up, payment of an invoice, credit note, refund, closing, adjustment, reversal)
    hand row values to ``_post_rows``, which checks them under the wallet's lock, creates the
    payments and journal entries in batch, posts them, creates the numbered rows and reconciles,
    as ``account.payment.register`` does. No user creates, changes or deletes a row directly.
    """

    _name = "clinic.stored.value.move"
    _inherit = ["clinic.ledger.mixin", "clinic.guarded.mixin"]
    _description = "Stored Value Journal Row"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.name", "contract_id.name"]
    _clinic_user_fields = ()

    name = fields.Char(string="Number", required=True, readonly=True, copy=False)
    date = fields.Date(required=True, readonly=True, index=True)
    contract_id = fields.Many2one(
        "clinic.prepaid.contract",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    # the contract's holder when the row was posted: a transfer changes the holder, never the history
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True, index=True)
    transfer_id = fields.Many2one("clinic.contract.transfer", readonly=True, index="btree_not_null")
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True)
    move_type = fields.Selection(MOVE_TYPES, string="Type", required=True, readonly=True, index=True)
    state = fields.Selection([("posted", "Posted")], required=True, default="posted", readonly=True, index=True)
    amount_principal = fields.Monetary(string="Principal", readonly=True, help="Signed: positive adds to the balance.")
    amount_bonus = fields.Monetary(string="Bonus", readonly=True, help="Signed: positive adds to the balance.")
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total", store=True)
    amount_interest = fields.Monetary(
        string="Interest Paid",
        readonly=True,
        help="Interest paid with a refund (法释〔2025〕4号 arts. 15-17): booked to financial expenses, outside the "
        "stored value.",
    )
    balance_principal_after = fields.Monetary(string="Principal Balance After", readonly=True)
    balance_bonus_after = fields.Monetary(string="Bonus Balance After", readonly=True)
    account_move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, index="btree_not_null")
    payment_id = fields.Many2one("account.payment", readonly=True)
    journal_id = fields.Many2one(
        "account.journal", string="Paid Through", readonly=True, help="Bank or cash journal of a top-up or refund."
    )
    invoice_id = fields.Many2one("account.move", readonly=True, index="btree_not_null")
    reversed_id = fields.Many2one("clinic.stored.value.move", string="Reverses", readonly=True, index="btree_not_null")
    reversal_ids = fields.One2many("clinic.stored.value.move", "reversed_id", string="Reversed By")
    adjust_account_id = fields.Many2one(
        "account.account",
        string="Counterpart Account",
        readonly=True,
        check_company=True,
        help="For an adjustment of principal: the account that balances the stored-value liability.",
    )
    reason = fields.Text(readonly=True, groups="clinic_membership.group_clinic_user")
    refund_request_id = fields.Many2one("clinic.refund.request", readonly=True, index="btree_not_null")
    package_line_id = fields.Many2one(
        "clinic.contract.package.line", string="Package", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    package_id = fields.Many2one(related="package_line_id.package_id", string="Package Template", store=True)
    sessions = fields.Integer(
        readonly=True, help="Sessions of the package this row paid (negative) or gave back (positive)."
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded By", readonly=True, groups="clinic_membership.group_clinic_user"
    )

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE(company_id, name)", "A stored value row number is used once per company."),
    ]

    @api.depends("amount_principal", "amount_bonus")
    def _compute_amount_total(self):
        for row in self:
            row.amount_total = row.amount_principal + row.amount_bonus

    # ------------------------------------------------------------------ posting (prepare, create, post, reconcile)

    @api.model
    def _post_rows(self, vals_list):
        """Post stored value rows with their payments and entries; the only way stored value moves.

        Each ``vals`` gives ``contract_id``, ``move_type``, ``amount_principal``/``amount_bonus``
        (signed), ``date``, and by type: ``journal_id`` (top-up, refund), ``invoice_id`` (payment
        of an invoice, credit note), ``reversed_id``, ``adjust_account_id`` and ``reason``,
        ``refund_request_id``. Everything is checked under the wallet's lock before
        anything is written. Returns the posted rows.
        """
        self._check_caller_may_use_contracts({vals.get("contract_id") for vals in vals_list})
        rows = self._sudo_for_recording().create(vals_list)
        return self.browse(rows.ids)

    @api.model_create_multi
    def create(self, vals_list):
        """Rows come with their payments and entries, checked under the wallet's lock (prepare,
        create, post, reconcile): only the application creates them, through ``_post_rows``."""
        self._check_recording()
        contracts = self.env["clinic.prepaid.contract"].browse({vals.get("contract_id") for vals in vals_list})
        contracts._lock_stored_value()
        vals_list = self._prepare_rows(vals_list)
        self._create_row_payments(vals_list)
        self._create_row_entries(vals_list)
        rows = super().create(vals_list)
        rows._check_account_moves()
        rows._reconcile_with_invoices()
        contracts.invalidate_recordset(["balance_principal", "balance_bonus", "paid_principal", "paid_bonus"])
        return rows

    def _check_caller_may_use_contracts(self, contract_ids):
        """Stored value moves on the contracts the caller may read: those of her own companies, with
        their record rules, whatever ids a wizard or a client hands over (the flows then raise
        privilege to write the rows, payments and entries)."""
        contracts = self.env["clinic.prepaid.contract"].browse(contract_ids).exists()
        if contracts:
            contracts.check_access("read")

    def _prepare_rows(self, vals_list):
        """Checked row values, numbered, with the balances after each row (in order, per contract)."""
        running = {}
        prepared = []
        self._clinic_check_values_list(vals_list)
        for raw in vals_list:
            vals = dict(raw)
            contract = self.env["clinic.prepaid.contract"].browse(vals["contract_id"]).exists()
            if not contract:
                raise UserError(self.env._("A stored value row needs its prepaid contract."))
            currency = contract.currency_id
            for fname in ("amount_principal", "amount_bonus", "amount_interest"):
                vals[fname] = self._check_precision(currency, vals.get(fname) or 0.0)
            vals.setdefault("date", fields.Date.context_today(self))
            if vals.get("move_type") != "transfer":
                vals["partner_id"] = contract.partner_id.id
            self._check_row(contract, vals)
            principal, bonus = running.get(contract, (contract.balance_principal, contract.balance_bonus))
            principal = currency.round(principal + vals["amount_principal"])
            bonus = currency.round(bonus + vals["amount_bonus"])
            if currency.compare_amounts(principal, 0.0) < 0 or currency.compare_amounts(bonus, 0.0) < 0:
                raise UserError(
                    self.env._(
                        "Not enough stored value on contract %(contract)s: principal %(principal)s, "
                        "bonus %(bonus)s available.",
                        contract=contract.name,
                        principal=formatLang(self.env, contract.balance_principal, currency_obj=currency),
                        bonus=formatLang(self.env, contract.balance_bonus, currency_obj=currency),
                    )
                )
            running[contract] = (principal, bonus)
            vals.update(
                {
                    "name": self.env["ir.sequence"]
                    .with_company(contract.company_id)
                    .next_by_code("clinic.stored.value.move"),
                    "state": "posted",
                    "balance_principal_after": principal,
                    "balance_bonus_after": bonus,
                    "user_id": self.env.uid,
                }
            )
            prepared.append(vals)
        return prepared

    @api.model
    def _check_precision(self, currency, amount):
        """Amounts with more decimals than the currency are refused, never silently rounded."""
        if float_compare(amount, currency.round(amount), precision_digits=10) != 0:
            raise ValidationError(
                self.env._(
                    "%(amount)s has more decimals than %(currency)s allows (%(digits)s).",
                    amount=amount,
                    currency=currency.name,
                    digits=currency.decimal_places,
                )
            )
        return currency.round(amount)

    def _check_row(self, contract, vals):
        """The rules every row follows, whichever flow hands it over."""
        currency = contract.currency_id
        move_type = vals.get("move_type")
        if move_type not in dict(MOVE_TYPES):
            raise UserError(self.env._("Unknown stored value row type %s.", move_type))
        principal, bonus = vals["amount_principal"], vals["amount_bonus"]
        if currency.is_zero(principal) and currency.is_zero(bonus):
            raise UserError(self.env._("A stored value row needs a non-zero principal or bonus amount."))
        sign = SIGNS.get(move_type)
        for amount in (principal, bonus):
            if sign and currency.compare_amounts(amount * sign, 0.0) < 0:
                raise UserError(
                    self.env._(
                        "A %(type)s row cannot carry a %(direction)s amount.",
                        type=dict(self._fields["move_type"]._description_selection(self.env))[move_type],
                        direction=self.env._("negative") if sign > 0 else self.env._("positive"),
                    )
                )
        if currency.compare_amounts(vals["amount_interest"], 0.0) < 0 or (
            move_type != "refund" and not currency.is_zero(vals["amount_interest"])
        ):
            raise UserError(self.env._("Only a refund carries interest, and never a negative one."))
        if fields.Date.to_date(vals["date"]) > fields.Date.context_today(self):
            raise UserError(self.env._("Stored value cannot move on a future date."))
        if fields.Date.to_date(vals["date"]) < EARLIEST_BUSINESS_DATE:
            raise UserError(
                self.env._(
                    "Stored value cannot move on %(date)s, before %(earliest)s: check the date.",
                    date=vals["date"],
                    earliest=fields.Date.to_string(EARLIEST_BUSINESS_DATE),
                )
            )
        if contract.date_signed and fields.Date.to_date(vals["date"]) < contract.date_signed:
            raise UserError(
                self.env._("Stored value cannot move before its contract was signed (%s).", contract.date_signed)
            )
        if not contract.partner_id.active:
            raise UserError(
                self.env._(
                    "%s is archived: restore the contact before moving its stored value.", contract.partner_id.name
                )
            )
        if (vals.get("package_line_id") or vals.get("sessions")) and move_type not in ("consume", "reversal"):
            raise UserError(self.env._("Only the payment of sessions and its reversal count a package's sessions."))
        getattr(self, f"_check_{move_type}_row")(contract, vals)

    def _check_topup_row(self, contract, vals):
        contract._check_spendable()
        if contract.currency_id.compare_amounts(vals["amount_principal"], 0.0) <= 0:
            raise UserError(self.env._("A top-up needs a positive amount paid."))
        contract._check_topup_within_signed(vals["amount_principal"], vals["amount_bonus"])
        self._check_money_journal(contract, vals.get("journal_id"))

    def _check_consume_row(self, contract, vals):
        contract._check_spendable()
        invoice = self.env["account.move"].browse(vals.get("invoice_id"))
        amount = -(vals["amount_principal"] + vals["amount_bonus"])
        contract._check_invoice_payable(invoice, amount)
        if vals.get("package_line_id"):
            self._check_session_row(contract, vals, invoice)
        elif contract.currency_id.compare_amounts(-vals["amount_principal"], contract._principal_free()) > 0:
            raise UserError(
                self.env._(
                    "%(reserved)s of contract %(contract)s pays for the sessions of its treatment packages: "
                    "it is spent by redeeming them.",
                    reserved=formatLang(self.env, contract.balance_packages, currency_obj=contract.currency_id),
                    contract=contract.name,
                )
            )

    def _check_session_row(self, contract, vals, invoice):
        """A package's sessions are paid from its own value, principal only, on an invoice of its treatment."""
        line = self.env["clinic.contract.package.line"].browse(vals["package_line_id"])
        sessions = vals.get("sessions")
        currency = contract.currency_id
        if (
            line.contract_id != contract
            or not isinstance(sessions, int)
            or isinstance(sessions, bool)
            or not 0 < -sessions <= line.sessions_remaining
            or not currency.is_zero(vals["amount_bonus"])
            or currency.compare_amounts(-vals["amount_principal"], line.amount_remaining) > 0
            or line.product_id not in invoice.invoice_line_ids.product_id
        ):
            raise UserError(
                self.env._("Sessions of a package are paid from its own value, on an invoice of its treatment.")
            )

    def _check_refund_row(self, contract, vals):
        if not vals.get("refund_request_id"):
            raise UserError(self.env._("A refund row comes from an approved refund request."))
        self._check_money_journal(contract, vals.get("journal_id"))

    def _check_transfer_row(self, contract, vals):
        """Out of the holder's balance and into the transferee's, by a signed transfer of this contract."""
        transfer = self.env["clinic.contract.transfer"].browse(vals.get("transfer_id"))
        partners = {transfer.partner_id.id: -1, transfer.to_partner_id.id: 1}
        sign = partners.get(vals.get("partner_id"))
        if not transfer or transfer.contract_id != contract or transfer.state != "signed" or not sign:
            raise UserError(self.env._("A transfer row comes from the signed transfer of its contract."))
        currency = contract.currency_id
        if any(currency.compare_amounts(vals[fname] * sign, 0.0) < 0 for fname in ("amount_principal", "amount_bonus")):
            raise UserError(self.env._("A transfer moves value out of the transferor and into the transferee."))

    def _check_fee_row(self, contract, vals):
        if not vals.get("refund_request_id"):
            raise UserError(self.env._("A refund fee row comes from an approved refund request."))

    def _check_forfeit_row(self, contract, vals):
        if not (vals.get("reason") or "").strip():
            raise UserError(self.env._("A forfeit row says why the value is forfeited."))

    def _check_adjust_row(self, contract, vals):
        if not (vals.get("reason") or "").strip():
            raise UserError(self.env._("An adjustment needs a reason."))
        if contract.state != "active":
            raise UserError(self.env._("Only the stored value of an active contract can be adjusted."))
        if not vals.get("refund_request_id"):
            contract._check_not_frozen()
        if contract.currency_id.is_zero(vals["amount_principal"]):
            vals["adjust_account_id"] = False
            return
        self._check_counterpart_account(contract.company_id, vals.get("adjust_account_id"))

    @api.model
    def _check_counterpart_account(self, company, account_id):
        """The account balancing the liability in an adjustment or an opening balance."""
        account = self.env["account.account"].browse(account_id)
        if not account or account == company.clinic_stored_value_account_id:
            raise UserError(self.env._("Choose the counterpart account of the adjustment."))
        if account.account_type in ("asset_receivable", "liability_payable") or company not in account.company_ids:
            raise UserError(
                self.env._(
                    "%s cannot balance a stored value adjustment: choose an income, expense or equity account.",
                    account.display_name,
                )
            )

    def _check_opening_row(self, contract, vals):
        """The stored value a member held in the clinic's previous system: the first row of its contract,
        against the account chosen for the migration (see ``clinic.member.opening``)."""
        contract._check_spendable()
        if contract.move_ids:
            raise UserError(self.env._("An opening balance is the first row of its contract %s.", contract.name))
        contract._check_topup_within_signed(vals["amount_principal"], vals["amount_bonus"])
        self._check_counterpart_account(contract.company_id, vals.get("adjust_account_id"))

    def _check_reversal_row(self, contract, vals):
        contract._check_not_frozen()
        original = self.browse(vals.get("reversed_id"))
        if not original or original.contract_id != contract or original.move_type == "reversal":
            raise UserError(self.env._("A reversal row must name the row of the same contract it reverses."))
        currency = contract.currency_id
        if vals.get("invoice_id"):
            # a credit note of the invoice that consumption paid gives back at most what is left of it
            credit_note = self.env["account.move"].browse(vals["invoice_id"])
            principal, bonus = original._clinic_unreversed_amounts()
            if (
                credit_note.move_type != "out_refund"
                or credit_note.reversed_entry_id != original.invoice_id
                or credit_note.commercial_partner_id != contract.partner_id.commercial_partner_id
                or currency.compare_amounts(vals["amount_principal"], principal) > 0
                or currency.compare_amounts(vals["amount_bonus"], bonus) > 0
                or currency.compare_amounts(vals["amount_principal"], 0.0) < 0
                or currency.compare_amounts(vals["amount_bonus"], 0.0) < 0
                or not 0 <= vals.get("sessions", 0) <= original._clinic_unreversed_sessions()
                or vals.get("package_line_id", False) != original.package_line_id.id
            ):
                raise UserError(self.env._("A credit note gives back only what stored value paid of its own invoice."))
            return
        if original.reversal_ids:
            raise UserError(self.env._("Row %s is already reversed.", original.name))
        if vals.get("sessions", 0) != -original.sessions:
            raise UserError(self.env._("A reversal gives back exactly the sessions row %s paid.", original.name))
        if currency.compare_amounts(vals["amount_principal"], -original.amount_principal) or currency.compare_amounts(
            vals["amount_bonus"], -original.amount_bonus
        ):
            raise UserError(self.env._("A reversal gives back exactly what row %s moved.", original.name))

    def _check_money_journal(self, contract, journal_id):
        journal = self.env["account.journal"].browse(journal_id)
        if not journal or journal.type not in ("bank", "cash") or journal.company_id != contract.company_id:
            raise UserError(self.env._("Choose a bank or cash journal of %s.", contract.company_id.name))
        journal_currency = journal.currency_id or journal.company_id.currency_id
        if journal_currency != contract.currency_id:
            raise UserError(
                self.env._(
                    "Journal %(journal)s works in %(journal_currency)s, contract %(contract)s in %(currency)s.",
                    journal=journal.name,
                    journal_currency=journal_currency.name,
                    contract=contract.name,
                    currency=contract.currency_id.name,
                )
            )

    # ------------------------------------------------------------------ payments and entries

    def _create_row_payments(self, vals_list):
        """Top-ups and refunds are account.payment records: created and posted in one batch per company."""
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals["move_type"] in PAYMENT_DIRECTIONS:
                by_company[self._row_contract(vals).company_id].append(vals)
        for company, company_vals in by_company.items():
            company._clinic_check_stored_value_accounting()
            payments = (
                self.env["account.payment"]
                .with_company(company)
                .create([self._prepare_payment_vals(vals) for vals in company_vals])
            )
            payments.action_post()
            for vals, payment in zip(company_vals, payments, strict=True):
                if payment.state not in ("in_process", "paid") or payment.move_id.state != "posted":
                    raise UserError(self.env._("Payment %s could not be posted.", payment.display_name))
                vals.update({"payment_id": payment.id, "account_move_id": payment.move_id.id})

    def _prepare_payment_vals(self, vals):
        contract = self._row_contract(vals)
        direction = PAYMENT_DIRECTIONS[vals["move_type"]]
        journal = self.env["account.journal"].browse(vals["journal_id"])
        method_line = journal._get_available_payment_method_lines(direction)[:1]
        if not method_line:
            raise UserError(self.env._("Journal %s has no payment method for this direction.", journal.name))
        memo = vals.get("reason") or self._entry_label(contract, vals["move_type"])
        interest = vals.get("amount_interest") or 0.0
        payment = {
            "payment_type": direction,
            "partner_type": "customer",
            "partner_id": contract.partner_id.id,
            "amount": abs(vals["amount_principal"]) + interest,
            "currency_id": contract.currency_id.id,
            "journal_id": journal.id,
            "payment_method_line_id": method_line.id,
            "date": vals["date"],
            "memo": memo,
            "destination_account_id": contract.company_id.clinic_stored_value_account_id.id,
            "company_id": contract.company_id.id,
            "clinic_stored_value_payment": True,
        }
        if not contract.currency_id.is_zero(interest):
            # paid to the member with the refund, from the clinic's expenses: the liability moves by the principal
            payment["write_off_line_vals"] = [
                {
                    "name": self.env._("Interest on refund - %s", contract.name),
                    "account_id": contract.company_id.clinic_refund_interest_account_id.id,
                    "partner_id": contract.partner_id.id,
                    "currency_id": contract.currency_id.id,
                    "amount_currency": interest,
                    "balance": interest,
                }
            ]
        return payment

    def _create_row_entries(self, vals_list):
        """The journal entries of the other rows (see DESIGN.md's accounting table), posted in one batch."""
        to_create = []
        self._create_transfer_entries([vals for vals in vals_list if vals["move_type"] == "transfer"])
        for vals in vals_list:
            if vals["move_type"] in PAYMENT_DIRECTIONS or vals["move_type"] == "transfer":
                continue
            contract = self._row_contract(vals)
            currency = contract.currency_id
            if vals["move_type"] == "reversal" and not vals.get("invoice_id"):
                vals["account_move_id"] = self._reverse_original_entry(vals).id
                continue
            if currency.is_zero(vals["amount_principal"]) and not vals.get("invoice_id"):
                continue  # bonus-only rows live in the sub-ledger only
            to_create.append((vals, self._prepare_entry_vals(contract, vals)))
        if not to_create:
            return
        moves = self.env["account.move"].create([entry for _vals, entry in to_create])
        moves.action_post()
        for (vals, _entry), move in zip(to_create, moves, strict=True):
            vals["account_move_id"] = move.id

    def _create_transfer_entries(self, vals_list):
        """One entry per transfer moves the liability from the transferor to the transferee."""
        by_transfer = defaultdict(list)
        for vals in vals_list:
            by_transfer[vals["transfer_id"]].append(vals)
        for pair in by_transfer.values():
            contract = self._row_contract(pair[0])
            if all(contract.currency_id.is_zero(vals["amount_principal"]) for vals in pair):
                continue  # bonus only: the sub-ledger's
            company = contract.company_id
            company._clinic_check_stored_value_accounting()
            label = self._entry_label(contract, "transfer")
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "clinic_stored_value_entry": True,
                    "journal_id": company.clinic_stored_value_journal_id.id,
                    "company_id": company.id,
                    "date": pair[0]["date"],
                    "ref": label,
                    "line_ids": [
                        fields.Command.create(
                            {
                                "name": label,
                                "account_id": company.clinic_stored_value_account_id.id,
                                "partner_id": vals["partner_id"],
                                "balance": -vals["amount_principal"],
                                "currency_id": contract.currency_id.id,
                                "amount_currency": -vals["amount_principal"],
                            }
                        )
                        for vals in pair
                    ],
                }
            )
            move.action_post()
            for vals in pair:
                vals["account_move_id"] = move.id

    def _prepare_entry_vals(self, contract, vals):
        company = contract.company_id
        company._clinic_check_stored_value_accounting()
        label = self._entry_label(contract, vals["move_type"])
        lines = [(company.clinic_stored_value_account_id, -vals["amount_principal"], contract.partner_id)]
        lines += self._entry_counterparts(contract, vals)
        currency = contract.currency_id
        return {
            "move_type": "entry",
            "clinic_stored_value_entry": True,
            "journal_id": company.clinic_stored_value_journal_id.id,
            "company_id": company.id,
            "date": vals["date"],
            "partner_id": contract.partner_id.id,
            "ref": label,
            "line_ids": [
                fields.Command.create(
                    {
                        "name": label,
                        "account_id": account.id,
                        "partner_id": partner.id,
                        "balance": balance,
                        "currency_id": currency.id,
                        "amount_currency": balance,
                    }
                )
                for account, balance, partner in lines
                if not currency.is_zero(balance)
            ],
        }

    def _entry_counterparts(self, contract, vals):
        company = contract.company_id
        if vals.get("invoice_id"):
            # Consumption, or its give-back by a credit note: the bonus against the bonus expense,
            # the total against the customer's receivable.
            invoice = self.env["account.move"].browse(vals["invoice_id"])
            receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")[
                :1
            ].account_id
            return [
                (company.clinic_stored_value_bonus_account_id, -vals["amount_bonus"], contract.partner_id),
                (receivable, vals["amount_principal"] + vals["amount_bonus"], invoice.commercial_partner_id),
            ]
        account = {
            "fee": company.clinic_stored_value_fee_account_id,
            "forfeit": company.clinic_stored_value_forfeit_account_id,
            "adjust": self.env["account.account"].browse(vals.get("adjust_account_id")),
            "opening": self.env["account.account"].browse(vals.get("adjust_account_id")),
        }[vals["move_type"]]
        return [(account, vals["amount_principal"], contract.partner_id)]

    def _entry_label(self, contract, move_type):
        """The whole label is one translated sentence per type (never a translated word glued to a
        selection label, which is still English while an addon's demo data is loaded)."""
        name = contract.name
        return {
            "topup": self.env._("Stored value top-up - %s", name),
            "consume": self.env._("Stored value consumption - %s", name),
            "refund": self.env._("Stored value refund - %s", name),
            "fee": self.env._("Stored value refund fee - %s", name),
            "forfeit": self.env._("Stored value forfeit - %s", name),
            "adjust": self.env._("Stored value adjustment - %s", name),
            "reversal": self.env._("Stored value reversal - %s", name),
            "opening": self.env._("Stored value opening balance - %s", name),
            "transfer": self.env._("Stored value transfer - %s", name),
        }[move_type]

    def _reverse_original_entry(self, vals):
        original = self.browse(vals["reversed_id"]).account_move_id
        if not original:
            return self.env["account.move"]
        return original._reverse_moves(
            [
                {
                    "date": vals["date"],
                    "ref": self.env._("Reversal of %s", self.browse(vals["reversed_id"]).name),
                    "clinic_stored_value_entry": True,
                }
            ],
            cancel=True,
        )

    def _row_contract(self, vals):
        return self.env["clinic.prepaid.contract"].browse(vals["contract_id"])

    def _check_account_moves(self):
        """Each entry moves the liability by exactly its row's principal, on its member: the ledger invariant."""
        for row in self:
            liability = row.company_id.clinic_stored_value_account_id
            if row.account_move_id and row.account_move_id.state != "posted":
                raise UserError(self.env._("The journal entry of a stored value row must be posted."))
            lines = row.account_move_id.line_ids.filtered(lambda line, acc=liability: line.account_id == acc)
            if row.move_type == "transfer":  # the transfer's entry moves both members' liability
                lines = lines.filtered(lambda line, partner=row.partner_id: line.partner_id == partner)
            moved = -sum(lines.mapped("balance"))
            if row.currency_id.compare_amounts(moved, row.amount_principal) != 0:
                raise UserError(
                    self.env._(
                        "The journal entry of %(row)s moves %(moved)s on the stored-value liability account "
                        "instead of %(principal)s.",
                        row=row.display_name,
                        moved=moved,
                        principal=row.amount_principal,
                    )
                )
            if lines.partner_id - row.partner_id:
                raise UserError(self.env._("The stored-value liability must be booked on the contract's member."))

    def _reconcile_with_invoices(self):
        """Match the receivable of each payment from stored value with its invoice (or credit note)."""
        for row in self.filtered("invoice_id"):
            receivable_lines = row.account_move_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
            targets = row.invoice_id
            if row.move_type == "reversal":
                # A credit note: give the value back against what is still open on it, and on the
                # consumption entries it undoes (when Odoo already matched it with the invoice).
                targets |= row.invoice_id.reversed_entry_id.clinic_stored_value_move_ids.account_move_id
            open_lines = targets.line_ids.filtered(
                lambda line, accounts=receivable_lines.account_id: line.account_id in accounts and not line.reconciled
            )
            (receivable_lines | open_lines).reconcile()

    # ------------------------------------------------------------------ reversal

    def _clinic_unreversed_amounts(self):
        """(principal, bonus) of a consumption not given back yet, as positive amounts."""
        self.ensure_one()
        reversals = self.sudo().reversal_ids
        currency = self.currency_id
        return (
            currency.round(-self.amount_principal - sum(reversals.mapped("amount_principal"))),
            currency.round(-self.amount_bonus - sum(reversals.mapped("amount_bonus"))),
        )

    def _clinic_unreversed_sessions(self):
        """Sessions a consumption paid that were not given back yet."""
        self.ensure_one()
        return -self.sessions - sum(self.sudo().reversal_ids.mapped("sessions"))

    def _check_can_reverse(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager can reverse stored value rows."))
        for row in self:
            if row.move_type == "reversal" or row.sudo().reversal_ids:
                raise UserError(self.env._("Row %s cannot be reversed (a reversal, or already reversed).", row.name))

    def action_reverse(self):
        """Reverse rows with a reversal row and the reversal of their entry (managers)."""
        self._check_can_reverse()
        return self._post_rows(
            [
                {
                    "contract_id": row.contract_id.id,
                    "move_type": "reversal",
                    "amount_principal": -row.amount_principal,
                    "amount_bonus": -row.amount_bonus,
                    "reversed_id": row.id,
                    "package_line_id": row.package_line_id.id,
                    "sessions": -row.sessions,
                    "reason": self.env._("Reversal of %s", row.name),
                }
                for row in self
            ]
        )

    def action_open_account_move(self):
        self.ensure_one()
        return self.account_move_id._get_records_action()

    def action_open_source(self):
        self.ensure_one()
        source = self.payment_id or self.invoice_id or self.reversed_id
        return source._get_records_action() if source else False
