from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestPayInvoiceFromStoredValue(StoredValueCase):
    def test_pay_invoice_prorata_and_entry(self):
        self.active_contract(principal=3000.0, bonus=1000.0)
        invoice = self.create_invoice(1000.0)
        self.assertTrue(invoice.clinic_can_pay_from_stored_value)
        row = self.pay(invoice)
        self.assertEqual(row.move_type, "consume")
        self.assertEqual((row.amount_principal, row.amount_bonus), (-750.0, -250.0))
        self.assertEqual((row.balance_principal_after, row.balance_bonus_after), (2250.0, 750.0))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(invoice.clinic_can_pay_from_stored_value)
        entry = row.account_move_id
        self.assertEqual(entry.journal_id, self.company.clinic_stored_value_journal_id)
        by_account = {line.account_id: line.balance for line in entry.line_ids}
        self.assertEqual(by_account[self.liability], 750.0)
        self.assertEqual(by_account[self.bonus_account], 250.0)
        receivable = entry.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual(receivable.balance, -1000.0)
        self.assertTrue(receivable.reconciled)
        self.assertEqual(self.partner.stored_value_balance, 2250.0)
        self.assertEqual(self.liability_balance(), 2250.0)
        self.assertEqual(invoice.clinic_stored_value_count, 1)

    def test_design_example_prorata_split(self):
        # DESIGN.md: 3,000 paid + 1,000 bonus, 3,594 consumed -> 2,695.50 principal consumed.
        contract = self.active_contract(principal=3000.0, bonus=1000.0)
        row = self.pay(self.create_invoice(3594.0))
        self.assertEqual((row.amount_principal, row.amount_bonus), (-2695.5, -898.5))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (304.5, 101.5))

    def test_prorata_rounding_keeps_the_total(self):
        contract = self.active_contract(principal=1000.0, bonus=333.33)
        row = self.pay(self.create_invoice(100.01))
        self.assertAlmostEqual(row.amount_principal + row.amount_bonus, -100.01, places=2)
        self.assertEqual(row.amount_principal, -75.01)
        self.assertEqual(
            (contract.balance_principal, contract.balance_bonus),
            (
                self.currency.round(1000.0 + row.amount_principal),
                self.currency.round(333.33 + row.amount_bonus),
            ),
        )

    def test_principal_first_and_bonus_first(self):
        first = self.active_contract(principal=1000.0, bonus=500.0, consumption_order="principal_first")
        row = self.pay(self.create_invoice(1200.0), contract=first)
        self.assertEqual((row.amount_principal, row.amount_bonus), (-1000.0, -200.0))
        other = self.env["res.partner"].create({"name": "赵敏"})
        bonus_first = self.active_contract(
            principal=1000.0, bonus=500.0, consumption_order="bonus_first", partner=other
        )
        row = self.pay(self.create_invoice(800.0, partner=other), contract=bonus_first)
        self.assertEqual((row.amount_principal, row.amount_bonus), (-300.0, -500.0))
        bonus_only = self.pay(self.create_invoice(100.0, partner=other), contract=bonus_first)
        self.assertEqual((bonus_only.amount_principal, bonus_only.amount_bonus), (-100.0, 0.0))

    def test_bonus_only_payment_books_the_bonus_expense(self):
        contract = self.active_contract(principal=1000.0, bonus=500.0, consumption_order="bonus_first")
        invoice = self.create_invoice(300.0)
        row = self.pay(invoice, contract=contract)
        self.assertEqual((row.amount_principal, row.amount_bonus), (0.0, -300.0))
        self.assertEqual(
            row.account_move_id.line_ids.account_id,
            self.bonus_account
            | invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable").account_id,
        )
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_partial_payment_leaves_the_rest_open(self):
        self.active_contract(principal=3000.0, bonus=0.0)
        invoice = self.create_invoice(5000.0)
        form = Form(self.env["clinic.stored.value.pay"].with_context(default_invoice_id=invoice.id))
        self.assertEqual(form.amount, 3000.0, "defaults to what the contract holds")
        form.save().action_confirm()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 2000.0)
        self.assertFalse(invoice.clinic_can_pay_from_stored_value, "the contract is empty: not offered")
        self.active_contract(principal=2000.0, bonus=0.0)  # a new contract, signed and paid
        invoice.invalidate_recordset(["clinic_can_pay_from_stored_value"])
        self.assertTrue(invoice.clinic_can_pay_from_stored_value, "offered again once a contract holds value")

    def test_wizard_preview_of_the_split(self):
        self.active_contract(principal=3000.0, bonus=1000.0)
        invoice = self.create_invoice(400.0)
        form = Form(self.env["clinic.stored.value.pay"].with_context(default_invoice_id=invoice.id))
        self.assertEqual(form.amount, 400.0)
        self.assertEqual((form.amount_principal, form.amount_bonus), (300.0, 100.0))

    def test_paying_more_than_the_balance_is_refused(self):
        contract = self.active_contract(principal=300.0, bonus=100.0)
        invoice = self.create_invoice(1000.0)
        with self.assertRaisesRegex(UserError, r"less than the \S*\s?500\.00"):
            self.pay(invoice, amount=500.0, contract=contract)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(invoice.clinic_stored_value_move_ids)
        self.assertEqual(contract.balance_principal, 300.0)

    def test_paying_more_than_the_invoice_is_refused(self):
        self.active_contract()
        invoice = self.create_invoice(100.0)
        with self.assertRaisesRegex(UserError, r"only has \S*\s?100\.00"):
            self.pay(invoice, amount=150.0)
        self.assertFalse(invoice.clinic_stored_value_move_ids)

    def test_zero_negative_and_overprecise_payments_are_refused(self):
        self.active_contract()
        invoice = self.create_invoice(100.0)
        with self.assertRaisesRegex(UserError, "must be positive"):
            self.pay(invoice, amount=0.0)
        with self.assertRaisesRegex(UserError, "must be positive"):
            self.pay(invoice, amount=-10.0)
        with self.assertRaisesRegex(ValidationError, "more decimals"):
            self.env["clinic.stored.value.pay"].with_user(self.frontdesk).create(
                {"invoice_id": invoice.id, "amount": 10.001}
            )
        self.assertFalse(invoice.clinic_stored_value_move_ids)

    def test_invoice_of_another_member_or_not_posted_is_refused(self):
        contract = self.active_contract()
        other = self.env["res.partner"].create({"name": "孙悦"})
        with self.assertRaisesRegex(UserError, "is not for"):
            contract._consume_stored_value(100.0, self.create_invoice(100.0, partner=other))
        with self.assertRaisesRegex(UserError, "posted customer invoice"):
            contract._consume_stored_value(100.0, self.create_invoice(100.0, post=False))
        self.assertEqual(contract.balance_principal, 3000.0)

    def test_invoice_in_another_currency_is_refused(self):
        contract = self.active_contract()
        usd = self.env.ref("base.USD")
        usd.active = True
        invoice = self.create_invoice(100.0, post=False)
        invoice.currency_id = usd
        invoice.action_post()
        with self.assertRaisesRegex(UserError, "is in CNY but invoice .* is in USD"):
            contract._consume_stored_value(50.0, invoice)
        self.assertFalse(invoice.clinic_stored_value_move_ids)

    def test_contract_of_another_company_is_refused(self):
        self.active_contract()
        branch = self.env["res.company"].create({"name": "Clinic Branch", "currency_id": self.currency.id})
        contract_elsewhere = self.create_contract(company_id=branch.id)
        invoice = self.create_invoice(100.0)
        with self.assertRaisesRegex(UserError, "to another company"):
            contract_elsewhere._consume_stored_value(100.0, invoice)
        wizard = self.env["clinic.stored.value.pay"].create({"invoice_id": invoice.id})
        self.assertEqual(wizard.contract_id.company_id, self.company, "only contracts of the invoice's company")
        self.assertFalse(invoice.clinic_stored_value_move_ids)

    def test_no_active_contract(self):
        invoice = self.create_invoice(100.0)
        wizard = self.env["clinic.stored.value.pay"].create({"invoice_id": invoice.id})
        self.assertFalse(wizard.contract_id)
        with self.assertRaisesRegex(UserError, "no active prepaid contract"):
            wizard.action_confirm()

    def test_stored_value_entry_cannot_be_reset_to_draft(self):
        self.active_contract()
        row = self.pay(self.create_invoice(100.0))
        with self.assertRaisesRegex(UserError, "reversal of the row"):
            row.account_move_id.button_draft()
        with self.assertRaisesRegex(UserError, "reversal of the row"):
            row.account_move_id.button_cancel()

    def test_invoice_paid_from_stored_value_is_undone_by_a_credit_note(self):
        contract = self.active_contract()
        invoice = self.create_invoice(200.0)
        self.pay(invoice)
        with self.assertRaisesRegex(UserError, "issue a credit note"):
            invoice.button_draft()
        with self.assertRaisesRegex(UserError, "issue a credit note"):
            invoice.button_cancel()
        self.assertEqual(invoice.state, "posted")
        self._credit_note(invoice)
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (3000.0, 1000.0))

    def test_forged_context_does_not_unlock_entries(self):
        self.active_contract()
        row = self.pay(self.create_invoice(100.0))
        with self.assertRaisesRegex(UserError, "reversal of the row"):
            row.account_move_id.with_context(clinic_stored_value_entry=True).button_draft()

    def _credit_note(self, invoice, amount=None, modify=False):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": self.today})
        )
        if modify:
            reversal.modify_moves()
            return invoice.reversal_move_ids
        action = reversal.refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        if amount is not None:
            with Form(credit_note) as form, form.invoice_line_ids.edit(0) as line:
                line.price_unit = amount
        credit_note.action_post()
        return credit_note

    def test_full_credit_note_gives_the_value_back(self):
        contract = self.active_contract(principal=3000.0, bonus=1000.0)
        invoice = self.create_invoice(1000.0)
        consume = self.pay(invoice)
        credit_note = self._credit_note(invoice)
        reversal = credit_note.clinic_stored_value_move_ids
        self.assertEqual(reversal.move_type, "reversal")
        self.assertEqual(reversal.reversed_id, consume)
        self.assertEqual((reversal.amount_principal, reversal.amount_bonus), (750.0, 250.0))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (3000.0, 1000.0))
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertEqual(self.liability_balance(), 3000.0)

    def test_partial_credit_note_gives_part_of_the_value_back(self):
        contract = self.active_contract(principal=3000.0, bonus=1000.0)
        invoice = self.create_invoice(1000.0)
        self.pay(invoice)
        credit_note = self._credit_note(invoice, amount=400.0)
        reversal = credit_note.clinic_stored_value_move_ids
        self.assertEqual((reversal.amount_principal, reversal.amount_bonus), (300.0, 100.0))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2550.0, 850.0))
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))

    def test_credit_note_beyond_the_stored_value_part(self):
        contract = self.active_contract(principal=500.0, bonus=0.0)
        invoice = self.create_invoice(1000.0)
        self.pay(invoice, amount=500.0)
        credit_note = self._credit_note(invoice)
        reversal = credit_note.clinic_stored_value_move_ids
        self.assertEqual(reversal.amount_principal, 500.0, "only what stored value paid comes back")
        self.assertEqual(contract.balance_principal, 500.0)

    def test_reverse_and_modify_gives_the_value_back(self):
        contract = self.active_contract(principal=3000.0, bonus=1000.0)
        invoice = self.create_invoice(1000.0)
        consume = self.pay(invoice)
        credit_note = self._credit_note(invoice, modify=True)
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (3000.0, 1000.0))
        receivable = consume.account_move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(receivable.reconciled, "the consumption credit is matched by the value given back")

    def test_reverse_a_consumption_reopens_the_invoice(self):
        contract = self.active_contract(principal=3000.0, bonus=1000.0)
        invoice = self.create_invoice(1000.0)
        consume = self.pay(invoice)
        reversal = consume.with_user(self.manager).action_reverse()
        self.assertEqual((reversal.amount_principal, reversal.amount_bonus), (750.0, 250.0))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (3000.0, 1000.0))
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self.liability_balance(), 3000.0)
