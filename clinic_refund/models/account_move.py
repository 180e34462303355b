from odoo import api, fields, models
from odoo.addons.clinic_membership.tools.protected import check_protected_fields
from odoo.exceptions import UserError

# What only the redemption of a package session records on its invoice.
# What only the application records on an entry: the practitioner of a package session (the
# redemption), and the mark of the entries the stored-value ledger posts.
PROTECTED_FIELDS = ("clinic_practitioner_id", "clinic_stored_value_entry", "clinic_package_line_id")


class AccountMove(models.Model):
    _inherit = "account.move"

    clinic_stored_value_move_ids = fields.One2many(
        "clinic.stored.value.move", "invoice_id", string="Stored Value Payments"
    )
    clinic_stored_value_entry_ids = fields.One2many(
        "clinic.stored.value.move", "account_move_id", string="Stored Value Rows"
    )
    clinic_stored_value_count = fields.Integer(compute="_compute_clinic_stored_value_count")
    clinic_practitioner_id = fields.Many2one(
        "res.users",
        string="Practitioner",
        readonly=True,
        copy=False,
        help="Who gave the treatment of a package session.",
    )
    clinic_package_line_id = fields.Many2one(
        "clinic.contract.package.line",
        string="Unlimited Plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The unlimited plan (年卡 / 月卡) this visit was made under: invoiced at 0.00, its price paid by the "
        "plan.",
    )
    clinic_can_pay_from_stored_value = fields.Boolean(compute="_compute_clinic_can_pay_from_stored_value")
    clinic_stored_value_entry = fields.Boolean(
        string="Stored Value Entry",
        readonly=True,
        copy=False,
        help="Posted by the stored-value ledger: the only entries that move the stored-value liability.",
    )

    def _clinic_is_clinic_document(self):
        """A customer invoice or credit note of a clinic (a company keeping stored value)."""
        self.ensure_one()
        return self.move_type in ("out_invoice", "out_refund") and bool(self.company_id.clinic_stored_value_journal_id)

    def action_clinic_print_invoice(self):
        """The invoice as the member takes it home, as a PDF in one click (Print & Send proposes mail first)."""
        return self.env.ref("account.account_invoices").report_action(self)

    def _clinic_payment_breakdown(self):
        """What paid the invoice, as the member reads it: [(label, amount)] of points, stored value, other
        payments and what is still due (the printed invoice says it under the totals)."""
        self.ensure_one()
        currency = self.currency_id
        points_product = self.company_id.clinic_points_discount_product_id
        points = -sum(
            self.invoice_line_ids.filtered(lambda line: line.product_id == points_product).mapped("price_total")
        )
        rows = self.sudo().clinic_stored_value_move_ids
        stored_value = -sum(rows.mapped("amount_principal")) - sum(rows.mapped("amount_bonus"))
        paid = self.amount_total - self.amount_residual
        parts = [
            (self.env._("Points"), points),
            (self.env._("Stored value"), stored_value),
            (self.env._("Cash, card or transfer"), paid - stored_value),
            (self.env._("Still to pay"), self.amount_residual),
        ]
        return [(label, currency.round(amount)) for label, amount in parts if not currency.is_zero(amount)]

    @api.depends("clinic_stored_value_move_ids")
    def _compute_clinic_stored_value_count(self):
        for move in self:
            move.clinic_stored_value_count = len(move.clinic_stored_value_move_ids)

    @api.depends("move_type", "state", "payment_state", "amount_residual", "commercial_partner_id")
    def _compute_clinic_can_pay_from_stored_value(self):
        """Offered only on an open customer invoice of a member with an active contract holding value."""
        candidates = self.filtered(
            lambda m: (
                m.move_type == "out_invoice" and m.state == "posted" and not m.currency_id.is_zero(m.amount_residual)
            )
        )
        funded = set()
        if candidates:
            contracts = (
                self.env["clinic.prepaid.contract"]
                .sudo()
                .search(
                    [
                        ("partner_id", "child_of", candidates.commercial_partner_id.ids),
                        ("state", "=", "active"),
                        "|",
                        ("balance_principal", ">", 0),
                        ("balance_bonus", ">", 0),
                    ]
                )
            )
            funded = {(c.partner_id.commercial_partner_id.id, c.company_id.id) for c in contracts}
        for move in self:
            move.clinic_can_pay_from_stored_value = (
                move in candidates and (move.commercial_partner_id.id, move.company_id.id) in funded
            )

    # ------------------------------------------------------------------ protection of the ledger

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, PROTECTED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_protected_fields(self, vals, PROTECTED_FIELDS)
        return super().write(vals)

    def _clinic_check_not_stored_value_entry(self):
        """An entry of the stored-value ledger is never reset, cancelled or deleted, by anyone: a
        correction is a reversal row (whose own entry reverses it, privilege raised)."""
        protected = self.sudo().clinic_stored_value_entry_ids.filtered(lambda row: row.state == "posted")
        if protected:
            raise UserError(
                self.env._(
                    "Journal entry %(entry)s belongs to stored value row %(row)s: correct it with a "
                    "reversal of the row, not by changing the entry.",
                    entry=protected[0].account_move_id.name,
                    row=protected[0].name,
                )
            )

    def _clinic_check_no_stored_value_paid(self):
        """An invoice paid from stored value is undone by a credit note, which gives the value back;
        a credit note that gave value back stays posted (the value would otherwise be given twice)."""
        for move in self.sudo():
            if move.move_type == "out_invoice":
                for row in move.clinic_stored_value_move_ids.filtered(lambda r: r.move_type == "consume"):
                    if not move.currency_id.is_zero(sum(row._clinic_unreversed_amounts())):
                        raise UserError(
                            self.env._(
                                "Invoice %(invoice)s was paid from stored value (%(row)s): issue a credit "
                                "note to give the value back instead of resetting or cancelling it.",
                                invoice=move.name,
                                row=row.name,
                            )
                        )
            elif move.move_type == "out_refund" and move.clinic_stored_value_move_ids:
                raise UserError(
                    self.env._(
                        "Credit note %s gave stored value back to the member: it cannot be reset or cancelled.",
                        move.name,
                    )
                )

    def _clinic_check_stored_value_account(self):
        """Only the stored-value ledger posts to the stored-value liability account: the GL equals the
        sub-ledger. Its entries carry a mark no user can give (whoever posts them: a cron posting a
        user's draft entry as superuser is refused too)."""
        ledger_entries = self.filtered(
            lambda entry: entry.clinic_stored_value_entry or entry.sudo().origin_payment_id.clinic_stored_value_payment
        )
        for move in self - ledger_entries:
            liability = move.company_id.sudo().clinic_stored_value_account_id
            if liability and liability in move.line_ids.account_id:
                raise UserError(
                    self.env._(
                        "%(entry)s posts to %(account)s: only top-ups, payments from stored value, refunds and "
                        "adjustments of prepaid contracts move the stored-value liability.",
                        entry=move.display_name,
                        account=liability.display_name,
                    )
                )

    def _clinic_check_credit_note_wallet(self):
        """A credit note gives stored value back only to the member who paid its own invoice with it."""
        for credit_note in self.filtered(lambda m: m.move_type == "out_refund"):
            origin = credit_note.reversed_entry_id.sudo()
            if not origin.clinic_stored_value_move_ids:
                continue
            if (
                origin.commercial_partner_id != credit_note.commercial_partner_id
                or origin.company_id != credit_note.company_id
                or origin.currency_id != credit_note.currency_id
            ):
                raise UserError(
                    self.env._(
                        "Credit note %(credit_note)s reverses %(invoice)s, paid from the stored value of "
                        "%(member)s: it must be for the same member, company and currency.",
                        credit_note=credit_note.display_name,
                        invoice=origin.name,
                        member=origin.commercial_partner_id.name,
                    )
                )

    def button_draft(self):
        self._clinic_check_not_stored_value_entry()
        self._clinic_check_no_stored_value_paid()
        return super().button_draft()

    def button_cancel(self):
        self._clinic_check_not_stored_value_entry()
        self._clinic_check_no_stored_value_paid()
        return super().button_cancel()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        if not self.env.su:  # the ledger's reversal rows reverse their entries with privilege raised
            self._clinic_check_not_stored_value_entry()
        if cancel and self.sudo().clinic_stored_value_move_ids and all(m.move_type == "out_invoice" for m in self):
            # "Reverse and cancel / modify" of an invoice paid from stored value: Odoo unmatches the
            # invoice and posts the credit note at once, which gives the value back (see _post).
            return super(AccountMove, self.sudo())._reverse_moves(
                default_values_list=default_values_list, cancel=cancel
            )
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_stored_value_entry(self):
        self._clinic_check_not_stored_value_entry()

    # ------------------------------------------------------------------ credit notes

    def _post(self, soft=True):
        self._clinic_check_stored_value_account()
        self._clinic_check_credit_note_wallet()
        posted = super()._post(soft=soft)
        credit_notes = posted.filtered(
            lambda move: move.move_type == "out_refund" and move.reversed_entry_id.sudo().clinic_stored_value_move_ids
        )
        credit_notes._clinic_give_back_stored_value()
        return posted

    def _clinic_give_back_stored_value(self):
        """A credit note on an invoice paid from stored value gives that value back (reversal rows)."""
        rows = []
        planned = {}  # what earlier credit notes of this batch already give back, per consumption
        planned_sessions = {}
        today = fields.Date.context_today(self)
        for credit_note in self:
            currency = credit_note.currency_id
            to_give = credit_note.amount_total
            consumptions = credit_note.reversed_entry_id.sudo().clinic_stored_value_move_ids.filtered(
                lambda row: row.move_type == "consume" and row.state == "posted"
            )
            for consumption in consumptions.sorted("id", reverse=True):
                if currency.compare_amounts(to_give, 0.0) <= 0:
                    break
                principal, bonus = consumption._clinic_unreversed_amounts()
                principal -= planned.get(consumption, (0.0, 0.0))[0]
                bonus -= planned.get(consumption, (0.0, 0.0))[1]
                give = min(to_give, currency.round(principal + bonus))
                if currency.compare_amounts(give, 0.0) <= 0:
                    continue
                sessions = consumption._clinic_unreversed_sessions() - planned_sessions.get(consumption, 0)
                if currency.compare_amounts(give, principal + bonus) < 0:
                    principal = currency.round(give * principal / (principal + bonus))
                    bonus = currency.round(give - principal)
                    sessions = min(sessions, credit_note._clinic_sessions_credited(consumption))
                planned_sessions[consumption] = planned_sessions.get(consumption, 0) + sessions
                rows.append(
                    {
                        "contract_id": consumption.contract_id.id,
                        "move_type": "reversal",
                        "date": min(credit_note.date, today),
                        "amount_principal": principal,
                        "amount_bonus": bonus,
                        "invoice_id": credit_note.id,
                        "reversed_id": consumption.id,
                        "package_line_id": consumption.package_line_id.id,
                        "sessions": sessions,
                        "reason": self.env._("Credit note %s", credit_note.name),
                    }
                )
                done = planned.get(consumption, (0.0, 0.0))
                planned[consumption] = (done[0] + principal, done[1] + bonus)
                to_give = currency.round(to_give - give)
        if rows:  # nothing to give back is no stored-value flow (an accountant without clinic rights posts it)
            self.env["clinic.stored.value.move"]._post_rows(rows)

    def _clinic_sessions_credited(self, consumption):
        """Sessions a partial credit note gives back: its quantity of the package's treatment."""
        self.ensure_one()
        if not consumption.package_line_id:
            return 0
        product = consumption.package_line_id.product_id
        lines = self.invoice_line_ids.filtered(lambda line: line.product_id == product)
        return int(sum(lines.mapped("quantity")))

    def action_clinic_pay_from_stored_value(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pay from Stored Value"),
            "res_model": "clinic.stored.value.pay",
            "view_mode": "form",
            "target": "new",
            "context": {"default_invoice_id": self.id},
        }

    def action_clinic_view_stored_value(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_refund.clinic_stored_value_move_action")
        action["domain"] = ["|", ("invoice_id", "=", self.id), ("account_move_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
