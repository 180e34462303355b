import random

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestStoredValueTopup(StoredValueCase):
    def _counts(self):
        return (
            self.env["account.payment"].search_count([("partner_id", "=", self.partner.id)]),
            self.env["clinic.stored.value.move"].search_count([("partner_id", "=", self.partner.id)]),
        )

    def _signed_active_contract(self, **vals):
        contract = self.create_contract(**vals)
        self.upload_scan(contract)
        contract.action_activate()
        return contract

    def test_topup_is_an_inbound_payment_to_the_liability(self):
        contract = self._signed_active_contract(principal=3000.0, bonus=1000.0)
        row = self.topup(contract)
        payment = row.payment_id
        self.assertEqual(row.state, "posted")
        self.assertTrue(row.name.startswith("SV/"))
        self.assertEqual((row.amount_principal, row.amount_bonus), (3000.0, 1000.0))
        self.assertEqual((row.balance_principal_after, row.balance_bonus_after), (3000.0, 1000.0))
        self.assertEqual(payment.payment_type, "inbound")
        self.assertEqual(payment.partner_id, self.partner)
        self.assertEqual(payment.amount, 3000.0)
        self.assertEqual(payment.destination_account_id, self.liability)
        self.assertEqual(row.account_move_id, payment.move_id)
        self.assertEqual(payment.move_id.state, "posted")
        lines = payment.move_id.line_ids
        liability_line = lines.filtered(lambda line: line.account_id == self.liability)
        liquidity_line = lines - liability_line
        self.assertEqual(liability_line.credit, 3000.0, "the bonus is sub-ledger only")
        self.assertEqual(liability_line.partner_id, self.partner)
        self.assertEqual(liquidity_line.debit, 3000.0)
        self.assertEqual(liquidity_line.account_id, payment.outstanding_account_id)
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (3000.0, 1000.0))
        self.assertEqual(self.partner.stored_value_balance, 3000.0)
        self.assertEqual(self.partner.stored_value_bonus_balance, 1000.0)
        self.assertEqual(self.liability_balance(), 3000.0)

    def test_second_topup_by_cash_and_defaults(self):
        contract = self._signed_active_contract(principal=2000.0, bonus=200.0)
        self.topup(contract, amount=1500.0, bonus=150.0)
        form = Form(self.env["clinic.stored.value.topup"].with_context(default_contract_id=contract.id))
        self.assertEqual((form.amount, form.amount_bonus), (500.0, 50.0), "what is signed for and not paid in yet")
        form.journal_id = self.cash_journal
        form.save().action_confirm()
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2000.0, 200.0))
        self.assertEqual((contract.paid_principal, contract.paid_bonus), (2000.0, 200.0))
        last = contract.move_ids.sorted("id")[-1]
        self.assertEqual(last.payment_id.journal_id, self.cash_journal)
        self.assertEqual(last.balance_principal_after, 2000.0)

    def test_topups_stop_at_the_signed_amounts(self):
        contract = self._signed_active_contract(principal=10000.0, bonus=2000.0)
        self.topup(contract)
        before = self._counts()
        with self.assertRaisesRegex(UserError, "needs a new signed contract"):
            self.topup(contract, amount=3000.0, bonus=300.0)
        with self.assertRaisesRegex(UserError, "needs a new signed contract"):
            self.topup(contract, amount=0.01, bonus=0.0)
        self.assertEqual(self._counts(), before)
        self.assertEqual((contract.paid_principal, contract.paid_bonus), (10000.0, 2000.0))
        # a reversed top-up frees its part of the signed amount again
        contract.move_ids.filtered(lambda r: r.move_type == "topup").with_user(self.manager).action_reverse()
        self.assertEqual((contract.paid_principal, contract.paid_bonus), (0.0, 0.0))
        self.topup(contract, amount=4000.0, bonus=0.0)
        self.assertEqual(contract.paid_principal, 4000.0)

    def test_topup_needs_an_active_signed_contract(self):
        draft = self.create_contract()
        before = self._counts()
        with self.assertRaisesRegex(UserError, "not an active signed contract"):
            self.topup(draft)
        signed = self.create_contract()
        self.upload_scan(signed)
        with self.assertRaisesRegex(UserError, "not an active signed contract"):
            self.topup(signed, amount=100.0)
        with self.assertRaisesRegex(UserError, "not an active signed contract"):
            draft.action_topup()
        self.assertEqual(self._counts(), before)

    def test_topup_zero_or_negative_is_refused(self):
        contract = self._signed_active_contract()
        before = self._counts()
        with self.assertRaisesRegex(UserError, "must be positive"):
            self.topup(contract, amount=0.0, bonus=0.0)
        with self.assertRaisesRegex(UserError, "must be positive"):
            self.topup(contract, amount=-50.0)
        with self.assertRaisesRegex(UserError, "cannot be negative"):
            self.topup(contract, amount=50.0, bonus=-5.0)
        self.assertEqual(self._counts(), before)
        self.assertEqual(contract.balance_principal, 0.0)

    def test_topup_with_more_decimals_than_the_currency_is_refused(self):
        contract = self._signed_active_contract()
        before = self._counts()
        with self.assertRaisesRegex(ValidationError, "more decimals"):
            self.env["clinic.stored.value.topup"].with_user(self.frontdesk).create(
                {"contract_id": contract.id, "amount": 100.005, "journal_id": self.bank_journal.id}
            )
        with self.assertRaisesRegex(ValidationError, "more decimals"):
            self.env["clinic.stored.value.adjust"].with_user(self.manager).create(
                {"contract_id": contract.id, "amount_bonus": 0.001, "reason": "x"}
            )
        self.assertEqual(self._counts(), before)

    def test_topup_into_a_journal_of_another_currency_is_refused(self):
        contract = self._signed_active_contract()
        usd_journal = self.env["account.journal"].create(
            {
                "name": "USD Bank",
                "code": "USDB",
                "type": "bank",
                "currency_id": self.env.ref("base.USD").id,
                "company_id": self.company.id,
            }
        )
        self.env.ref("base.USD").active = True
        before = self._counts()
        with self.assertRaisesRegex(UserError, "works in USD"):
            self.topup(contract, amount=100.0, journal=usd_journal)
        self.assertEqual(self._counts(), before)

    def test_posted_rows_are_immutable_for_everyone(self):
        contract = self.active_contract()
        row = contract.move_ids
        for user_env in (self.env, self.env["clinic.stored.value.move"].sudo().env):
            posted = row.with_env(user_env)
            with self.assertRaisesRegex(UserError, "final once recorded: a correction is a new row"):
                posted.write({"amount_principal": 1.0})
            with self.assertRaisesRegex(UserError, "final once recorded: a correction is a new row"):
                posted.write({"reason": "edited"})
            with self.assertRaisesRegex(UserError, "final once recorded: they are never deleted"):
                posted.unlink()
        forged = {"contract_id": contract.id, "move_type": "adjust", "amount_bonus": 1.0, "state": "posted"}
        for user in (self.frontdesk, self.manager, self.accountant, self.director):
            with self.assertRaisesRegex(AccessError, "recorded by the clinic's own operations, never directly"):
                self.env["clinic.stored.value.move"].with_user(user).create(forged)
        # the application's own create (privilege raised) goes through every check of the ledger all the same
        with self.assertRaisesRegex(UserError, "An adjustment needs a reason"):
            self.env["clinic.stored.value.move"].create(forged)
        self.assertEqual(row.amount_principal, 3000.0)
        self.assertEqual(contract.move_ids, row)

    def test_entries_and_payments_of_rows_cannot_be_undone_by_hand(self):
        contract = self.active_contract()
        payment = contract.move_ids.payment_id
        with self.assertRaisesRegex(UserError, "reverse the stored value row"):
            payment.action_draft()
        with self.assertRaisesRegex(UserError, "reverse the stored value row"):
            payment.action_cancel()
        with self.assertRaisesRegex(UserError, "reversal of the row"):
            payment.move_id.button_draft()
        for user in (self.accountant, self.manager, self.env.ref("base.user_admin")):
            with self.assertRaisesRegex(UserError, "reversal of the row"):
                payment.move_id.with_user(user)._reverse_moves()
        self.assertEqual(payment.move_id.state, "posted")

    def test_reverse_a_topup(self):
        contract = self.active_contract()
        row = contract.move_ids
        with self.assertRaisesRegex(UserError, "Clinic Manager"):
            row.with_user(self.frontdesk).action_reverse()
        reversal = row.with_user(self.manager).action_reverse()
        self.assertEqual(reversal.move_type, "reversal")
        self.assertEqual(reversal.reversed_id, row)
        self.assertEqual((reversal.amount_principal, reversal.amount_bonus), (-3000.0, -1000.0))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (0.0, 0.0))
        self.assertEqual(reversal.account_move_id.reversed_entry_id, row.account_move_id)
        self.assertEqual(self.liability_balance(), 0.0)
        with self.assertRaisesRegex(UserError, "cannot be reversed"):
            row.with_user(self.manager).action_reverse()

    def test_reverse_a_spent_topup_is_refused(self):
        contract = self.active_contract()
        self.pay(self.create_invoice(1000.0), amount=1000.0)
        with self.assertRaisesRegex(UserError, "Not enough stored value"):
            contract.move_ids.filtered(lambda r: r.move_type == "topup").with_user(self.manager).action_reverse()
        self.assertEqual(contract.balance_principal, 2250.0)

    def _adjust(self, contract, user, **vals):
        wizard = self.env["clinic.stored.value.adjust"].with_user(user).create({"contract_id": contract.id, **vals})
        return wizard.action_confirm()

    def test_manual_adjustment(self):
        contract = self.active_contract()
        vals = {
            "amount_principal": -100.0,
            "amount_bonus": 50.0,
            "adjust_account_id": self.bonus_account.id,
            "reason": "goodwill",
        }
        with self.assertRaises(AccessError):
            self._adjust(contract, self.frontdesk, **vals)
        self._adjust(contract, self.manager, **vals)
        adjust = contract.move_ids.filtered(lambda r: r.move_type == "adjust")
        self.assertEqual((adjust.state, adjust.reason, adjust.user_id), ("posted", "goodwill", self.manager))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2900.0, 1050.0))
        self.assertEqual(self.liability_balance(), 2900.0)

    def test_adjustment_needs_a_reason_and_a_counterpart(self):
        contract = self.active_contract()
        with self.assertRaisesRegex(UserError, "needs a reason"):
            self._adjust(contract, self.manager, amount_bonus=10.0, reason="  ")
        with self.assertRaisesRegex(UserError, "counterpart account"):
            self._adjust(contract, self.manager, amount_principal=10.0, reason="fix")
        with self.assertRaisesRegex(UserError, "counterpart account"):
            self._adjust(
                contract, self.manager, amount_principal=10.0, reason="fix", adjust_account_id=self.liability.id
            )
        self.assertEqual(len(contract.move_ids), 1)
        self.assertEqual(contract.balance_bonus, 1000.0)


@tagged("post_install", "-at_install")
class TestStoredValueInvariants(StoredValueCase):
    def _assert_ledger_matches(self, contract):
        rows = contract.move_ids.filtered(lambda r: r.state == "posted").sorted("id")
        principal = self.currency.round(sum(rows.mapped("amount_principal")))
        bonus = self.currency.round(sum(rows.mapped("amount_bonus")))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (principal, bonus))
        self.assertEqual((rows[-1].balance_principal_after, rows[-1].balance_bonus_after), (principal, bonus))
        self.assertEqual(self.partner.stored_value_balance, principal)
        self.assertEqual(self.currency.round(self.liability_balance()), principal)
        self.assertGreaterEqual(principal, 0.0)
        self.assertGreaterEqual(bonus, 0.0)

    def test_random_operations_keep_balances_equal_to_the_ledger(self):
        rng = random.Random(20261125)  # noqa: S311  (reproducible test data, not cryptography)
        contract = self.create_contract(principal=20000.0, bonus=200.0)
        self.upload_scan(contract)
        contract.action_activate()
        self.topup(contract, amount=1000.0, bonus=200.0)
        paid_invoices = []
        done = dict.fromkeys(["topup", "pay", "credit_note", "reverse"], 0)
        for _step in range(30):
            operation = rng.choice(["topup", "pay", "pay", "credit_note", "reverse"])
            rows_before = len(contract.move_ids)
            available = contract.balance_principal + contract.balance_bonus
            if operation == "topup":
                room = contract.amount_principal - contract.paid_principal
                if self.currency.compare_amounts(room, 0.0) > 0:
                    self.topup(contract, amount=rng.randint(1, round(room * 100)) / 100, bonus=0.0)
            elif operation == "pay" and self.currency.compare_amounts(available, 0.0) > 0:
                amount = rng.randint(1, round(available * 100)) / 100
                invoice = self.create_invoice(self.currency.round(amount + rng.choice([0.0, 10.0])))
                self.pay(invoice, amount=amount)
                paid_invoices.append(invoice)
            elif operation == "credit_note" and paid_invoices:
                invoice = paid_invoices.pop(rng.randrange(len(paid_invoices)))
                self.env["account.move.reversal"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({"journal_id": invoice.journal_id.id, "date": self.today}).reverse_moves()
                invoice.reversal_move_ids.filtered(lambda m: m.state == "draft").action_post()
            elif operation == "reverse" and paid_invoices:
                invoice = paid_invoices.pop(rng.randrange(len(paid_invoices)))
                invoice.clinic_stored_value_move_ids.with_user(self.manager).action_reverse()
            if len(contract.move_ids) > rows_before:
                done[operation] += 1
            self._assert_ledger_matches(contract)
        self.assertTrue(all(done.values()), f"every kind of operation ran: {done}")
