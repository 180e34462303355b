"""Every attack on the stored value a hostile user tried, as each role: refused, and nothing moved.

Each test takes a snapshot of the money (rows, balances, payments, entries, matchings, the GL of
the liability account, refund states and reviews), tries the attack as every role (with the
context keys a client could send), and compares. The legitimate paths stay tested beside them.
"""

import base64

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import StoredValueCase

REFUSED = UserError  # AccessError and ValidationError are UserErrors too: the clean refusals
# Context keys a client can send: markers the code once used, Odoo's own switches, defaults.
FORGED_CONTEXTS = [
    {},
    {"clinic_flow": True, "clinic_contract_action": True, "clinic_stored_value_entry": True},
    {"skip_validation_check": True, "tracking_disable": True, "check_move_validity": False},
    {"default_state": "posted", "default_move_type": "topup", "default_amount_principal": 50000.0},
]


class HostileCase(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, "hx_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, "hx_portal", groups="base.group_portal")
        cls.roles = {
            "front desk": cls.frontdesk,
            "manager": cls.manager,
            "accountant": cls.accountant,
            "director": cls.director,
            "employee": cls.employee,
            "portal": cls.portal,
        }

    def as_each_role(self, records):
        """``records`` as every role, with every forged context."""
        for role, user in self.roles.items():
            for context in FORGED_CONTEXTS:
                yield role, records.with_user(user).with_context(**context)

    def money(self):
        """Everything an attack could move, read from the database."""
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env(su=True)
        contracts = env["clinic.prepaid.contract"].search([], order="id")
        gl = env["account.move.line"]._read_group(
            [("account_id", "=", self.liability.id), ("parent_state", "=", "posted")], ["partner_id"], ["balance:sum"]
        )
        requests = env["clinic.refund.request"].search([], order="id")
        return {
            "rows": env["clinic.stored.value.move"].search_read([], ["amount_principal", "amount_bonus"], order="id"),
            "contracts": [(c.id, c.state, c.balance_principal, c.balance_bonus, c.name) for c in contracts],
            "payments": env["account.payment"].search_count([]),
            "entries": env["account.move"].search_count([("state", "=", "posted")]),
            "partials": env["account.partial.reconcile"].search_count([]),
            "gl": sorted((partner.id, round(total, 2)) for partner, total in gl),
            "requests": [(r.id, r.state, r.amount_requested, r.fee_amount, r.amount_refundable) for r in requests],
            "reviews": env["tier.review"].search_read([], ["status", "done_by"], order="id"),
            "evidence": env["clinic.refund.evidence"].search_read([], ["datas", "evidence_type"], order="id"),
            "settlements": env["clinic.refund.settlement"].search_read(
                [], ["request_id", "amount", "state", "signed_sha256", "signature_method"], order="id"
            ),
            "packages": env["clinic.contract.package.line"].search_read(
                [],
                ["package_id", "sessions_total", "sessions_used", "price_total", "unit_price", "amount_remaining"],
                order="id",
            ),
            "invoices": env["account.move"].search_count([("move_type", "=", "out_invoice")]),
        }

    def assertRefusedAndNothingMoved(self, attack, records):
        """``attack(records_as_role)`` is refused for every role and context, and the money is as before."""
        before = self.money()
        for role, hostile in self.as_each_role(records):
            with self.subTest(role=role, context=dict(hostile.env.context)), self.assertRaises(REFUSED):
                attack(hostile)
        self.assertEqual(self.money(), before)


@tagged("post_install", "-at_install")
class TestHostileStoredValue(HostileCase):
    def test_nobody_creates_edits_or_deletes_a_stored_value_row(self):
        contract = self.active_contract()
        row = contract.move_ids
        Rows = self.env["clinic.stored.value.move"]
        forged = {"contract_id": contract.id, "move_type": "topup", "amount_principal": 50000.0}
        self.assertRefusedAndNothingMoved(lambda rows: rows.create(forged), Rows)
        self.assertRefusedAndNothingMoved(lambda rows: rows.create({**forged, "state": "posted"}), Rows)
        self.assertRefusedAndNothingMoved(lambda r: r.write({"amount_principal": 50000.0}), row)
        self.assertRefusedAndNothingMoved(lambda r: r.write({"state": "posted"}), row)
        self.assertRefusedAndNothingMoved(lambda r: r.unlink(), row)
        self.assertRefusedAndNothingMoved(lambda r: r.copy(), row)

    def test_contract_status_balances_number_and_signature_are_not_writable(self):
        contract = self.active_contract()
        draft = self.create_contract()
        for vals in (
            {"state": "active"},
            {"balance_principal": 50000.0},
            {"signed_sha256": "0" * 64},
            {"name": "PC/FORGED"},
            {"date_signed": "2020-01-01"},
            {"signature_tampered": False},
        ):
            self.assertRefusedAndNothingMoved(lambda c, vals=vals: c.write(vals), contract | draft)
        forged = {"partner_id": self.partner.id, "amount_principal": 1000.0}
        Contracts = self.env["clinic.prepaid.contract"]
        for vals in ({"state": "active"}, {"signed_sha256": "0" * 64}, {"name": "PC/CHOSEN"}):
            self.assertRefusedAndNothingMoved(lambda c, vals=vals: c.create({**forged, **vals}), Contracts)

    def test_front_desk_cannot_set_refund_terms(self):
        contract = self.create_contract(principal=1000.0, bonus=0.0)
        fee = contract.refund_fee_percent
        with self.assertRaises(AccessError):
            contract.with_user(self.frontdesk).write({"refund_fee_percent": 0.0, "cooling_off_days": 3650})
        created = (
            self.env["clinic.prepaid.contract"]
            .with_user(self.frontdesk)
            .create(
                {
                    "partner_id": self.partner.id,
                    "amount_principal": 1000.0,
                    "cooling_off_days": 3650,
                    "bonus_policy": "prorata",
                }
            )
        )
        self.assertEqual(created.cooling_off_days, self.template.cooling_off_days, "terms come from the template")
        self.assertEqual(contract.refund_fee_percent, fee)
        contract.with_user(self.manager).write({"refund_fee_percent": 2.0})  # a manager's, before signing
        self.assertEqual(contract.refund_fee_percent, 2.0)

    def test_only_a_manager_reverses_adjusts_closes_or_terminates(self):
        contract = self.active_contract()
        row = contract.move_ids
        for user in (self.frontdesk, self.accountant, self.employee, self.portal):
            before = self.money()
            with self.assertRaises(REFUSED):
                row.with_user(user).action_reverse()
            with self.assertRaises(REFUSED):
                contract.with_user(user).action_close()
            with self.assertRaises(REFUSED):
                contract.with_user(user).action_terminate()
            with self.assertRaises(REFUSED):
                self.env["clinic.stored.value.adjust"].with_user(user).create(
                    {"contract_id": contract.id, "amount_bonus": 500.0, "reason": "forged"}
                ).action_confirm()
            self.assertEqual(self.money(), before)

    def test_paying_another_members_invoice_is_refused(self):
        contract = self.active_contract()
        other = self.env["res.partner"].create({"name": "Other member"})
        invoice = self.create_invoice(500.0, partner=other)
        before = self.money()
        for user in (self.frontdesk, self.manager, self.accountant):
            with self.assertRaisesRegex(UserError, "is not for"):
                self.env["clinic.stored.value.pay"].with_user(user).create(
                    {"invoice_id": invoice.id, "contract_id": contract.id, "amount": 500.0}
                ).action_confirm()
        self.assertEqual(self.money(), before)

    def test_no_journal_entry_posts_to_the_liability_by_hand(self):
        self.active_contract()
        misc = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "general")], limit=1
        )
        for user in (self.accountant, self.manager, self.env.ref("base.user_admin")):
            entry = (
                self.env["account.move"]
                .with_user(user)
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": misc.id,
                        "line_ids": [
                            Command.create(
                                {"account_id": self.liability.id, "partner_id": self.partner.id, "credit": 50000}
                            ),
                            Command.create({"account_id": self.bank_journal.default_account_id.id, "debit": 50000}),
                        ],
                    }
                )
            )
            before = self.money()
            with self.assertRaisesRegex(UserError, "only top-ups, payments from stored value"):
                entry.with_context(clinic_flow=True, check_move_validity=False).action_post()
            self.assertEqual(self.money(), before)
            entry.unlink()

    def test_no_payment_goes_to_the_liability_by_hand(self):
        self.active_contract()
        before = self.money()
        for user in (self.accountant, self.manager):
            payment = (
                self.env["account.payment"]
                .with_user(user)
                .create(
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": self.partner.id,
                        "amount": 50000.0,
                        "journal_id": self.bank_journal.id,
                        "destination_account_id": self.liability.id,
                    }
                )
            )
            with self.assertRaisesRegex(UserError, "only top-ups, payments from stored value"):
                payment.action_post()
            payment.unlink()
        self.assertEqual(self.money(), before)

    def test_credit_note_line_on_the_liability_is_refused(self):
        self.active_contract()
        invoice = self.create_invoice(100.0)
        credit_note = invoice._reverse_moves()
        credit_note.invoice_line_ids.account_id = self.liability
        before = self.money()
        with self.assertRaisesRegex(UserError, "only top-ups, payments from stored value"):
            credit_note.action_post()
        self.assertEqual(self.money(), before)

    def test_a_credit_note_gives_value_back_only_to_the_wallet_that_paid(self):
        self.active_contract()
        paid = self.create_invoice(1000.0)
        self.pay(paid)
        attacker = self.env["res.partner"].create({"name": "Attacker"})
        attacker_contract = self.active_contract(partner=attacker, principal=100.0, bonus=0.0)
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": attacker.id,
                "reversed_entry_id": paid.id,
                "invoice_line_ids": [Command.create({"name": "refund", "price_unit": 1000.0, "tax_ids": []})],
            }
        )
        before = self.money()
        with self.assertRaisesRegex(UserError, "must be for the same member"):
            credit_note.action_post()
        self.assertEqual(self.money(), before)
        self.assertEqual(attacker_contract.balance_principal, 100.0)

    def test_a_payment_from_stored_value_stays_matched(self):
        contract = self.active_contract()
        invoice = self.create_invoice(1000.0)
        row = self.pay(invoice)
        receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        partial = receivable.matched_credit_ids
        self.assertTrue(partial)
        for user in (self.frontdesk, self.manager, self.accountant, self.env.ref("base.user_admin")):
            before = self.money()
            with self.assertRaisesRegex(UserError, "cannot be undone by hand"):
                receivable.with_user(user).remove_move_reconcile()
            with self.assertRaisesRegex(UserError, "cannot be undone by hand"):
                invoice.with_user(user).js_remove_outstanding_partial(partial.id)
            with self.assertRaisesRegex(UserError, "cannot be undone by hand"):
                row.account_move_id.line_ids.with_user(user).remove_move_reconcile()
            self.assertEqual(self.money(), before)
        with self.assertRaisesRegex(UserError, r"only has \S*\s?0\.00 left to pay"):
            contract._consume_stored_value(1000.0, invoice)
        self.assertEqual(contract.balance_principal + contract.balance_bonus, 3000.0)

    def test_a_credit_note_that_gave_value_back_stays_posted(self):
        contract = self.active_contract()
        invoice = self.create_invoice(1000.0)
        self.pay(invoice)
        credit_note = invoice._reverse_moves()
        credit_note.action_post()
        self.assertEqual(contract.balance_principal + contract.balance_bonus, 4000.0)
        before = self.money()
        for user in (self.accountant, self.manager):
            with self.assertRaisesRegex(UserError, "cannot be reset or cancelled"):
                credit_note.with_user(user).button_draft()
            with self.assertRaisesRegex(UserError, "cannot be reset or cancelled"):
                credit_note.with_user(user).button_cancel()
        self.assertEqual(self.money(), before)

    def test_portal_member_reads_no_internal_note_signer_or_staff_reason(self):
        portal_contract = self.active_contract(partner=self.portal.partner_id)
        portal_contract.note = "Internal: difficult client"
        as_portal = portal_contract.with_user(self.portal)
        self.assertEqual(as_portal.read(["name", "balance_principal"])[0]["balance_principal"], 3000.0)
        for fname in ("note", "signed_by", "signed_file"):
            with self.assertRaises(AccessError):
                as_portal.read([fname])
        for fname in ("reason", "user_id"):
            with self.assertRaises(AccessError):
                as_portal.move_ids.read([fname])

    def test_plain_employee_and_portal_reach_no_wizard(self):
        contract = self.active_contract()
        invoice = self.create_invoice(100.0)
        before = self.money()
        for user in (self.employee, self.portal):
            with self.assertRaises(AccessError):
                self.env["clinic.stored.value.topup"].with_user(user).create(
                    {"contract_id": contract.id, "journal_id": self.bank_journal.id}
                )
            with self.assertRaises(AccessError):
                self.env["clinic.stored.value.pay"].with_user(user).create({"invoice_id": invoice.id})
            with self.assertRaises(AccessError):
                self.env["clinic.refund.pay"].with_user(user).create({"journal_id": self.bank_journal.id})
        self.assertEqual(self.money(), before)

    # ------------------------------------------------------------------ legitimate paths

    def test_front_desk_tops_up_and_pays_manager_adjusts(self):
        contract = self.create_contract(principal=3000.0, bonus=1000.0)
        self.upload_scan(contract)
        contract.with_user(self.frontdesk).action_activate()
        self.env["clinic.stored.value.topup"].with_user(self.frontdesk).create(
            {"contract_id": contract.id, "journal_id": self.bank_journal.id}
        ).action_confirm()
        invoice = self.create_invoice(400.0)
        self.env["clinic.stored.value.pay"].with_user(self.frontdesk).create(
            {"invoice_id": invoice.id}
        ).action_confirm()
        self.env["clinic.stored.value.adjust"].with_user(self.manager).create(
            {"contract_id": contract.id, "amount_bonus": 100.0, "reason": "Compensation for a cancelled session"}
        ).action_confirm()
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2700.0, 1000.0))
        self.assertEqual(self.liability_balance(), 2700.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))


@tagged("post_install", "-at_install")
class TestHostileRefunds(HostileCase):
    def submitted_request(self, user=None, consumed=1000.0):
        contract = self.consumed_contract(consumed=consumed)
        request = self.file_request(contract, user=user)
        request.with_user(user or self.frontdesk).action_submit()
        return request

    def test_refund_state_is_moved_only_by_its_actions(self):
        request = self.submitted_request()
        for vals in ({"state": "approved"}, {"state": "paid"}, {"fee_amount": 0.0}, {"amount_refundable": 99999.0}):
            self.assertRefusedAndNothingMoved(lambda r, vals=vals: r.write(vals), request)
        draft = self.file_request(self.consumed_contract())
        for vals in (
            {"amount_refundable": 99999.0},
            {"fee_amount": -100.0},
            {"breakdown": "<p>ok</p>"},
            {"user_id": 1},
        ):
            self.assertRefusedAndNothingMoved(lambda r, vals=vals: r.write(vals), draft)
        Requests = self.env["clinic.refund.request"]
        forged = {
            "partner_id": self.partner.id,
            "contract_id": draft.contract_id.id,
            "reason": "other",
            "state": "approved",
        }
        self.assertRefusedAndNothingMoved(lambda r: r.create(forged), Requests)

    def test_reviews_change_only_by_a_reviewer_of_the_current_step(self):
        request = self.submitted_request()
        reviews = request.review_ids
        self.assertTrue(reviews)
        self.assertRefusedAndNothingMoved(lambda r: r.write({"status": "approved"}), reviews)
        self.assertRefusedAndNothingMoved(lambda r: r.write({"done_by": self.manager.id}), reviews)
        self.assertRefusedAndNothingMoved(lambda r: r.unlink(), reviews)
        Reviews = self.env["tier.review"]
        forged = {
            "model": request._name,
            "res_id": request.id,
            "status": "approved",
            "definition_id": reviews[0].definition_id.id,
        }
        self.assertRefusedAndNothingMoved(lambda r: r.create(forged), Reviews)
        self.assertRefusedAndNothingMoved(lambda r: r.request_validation(), request)
        self.assertRefusedAndNothingMoved(lambda r: r.write({"review_ids": [Command.clear()]}), request)

    def test_accountant_alone_cannot_approve_and_pay(self):
        contract = self.active_contract(principal=10000.0, bonus=0.0)
        request = self.file_request(contract, user=self.accountant, reason="dissatisfied")
        request.with_user(self.accountant).action_submit()
        before = self.money()
        with self.assertRaisesRegex(UserError, "someone else must approve"):
            request.with_user(self.accountant).validate_tier()
        with self.assertRaises(REFUSED):
            request.with_user(self.accountant).write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "must be approved"):
            self.pay_refund(request)
        self.assertEqual(self.money(), before)
        self.assertEqual(request.state, "to_approve")

    def test_rejecting_with_reviews_of_another_request_is_refused(self):
        target = self.submitted_request()
        mine = self.submitted_request()
        before = self.money()
        for user in (self.frontdesk, self.accountant):
            wizard = (
                self.env["comment.wizard"]
                .with_user(user)
                .create(
                    {
                        "res_model": target._name,
                        "res_id": target.id,
                        "review_ids": [Command.set(mine.review_ids.ids)],
                        "validate_reject": "validate",
                        "comment": "forged",
                    }
                )
            )
            with self.assertRaises(REFUSED):
                wizard.add_comment()
        self.assertEqual(self.money(), before)
        self.assertEqual((target.state, mine.state), ("to_approve", "to_approve"))

    def test_only_a_manager_restarts_an_approval_and_it_is_made_anew(self):
        request = self.submitted_request()
        before = self.money()
        for user in (self.frontdesk, self.accountant, self.employee):
            with self.assertRaises(REFUSED):
                request.with_user(user).restart_validation()
        self.assertEqual(self.money(), before)
        old_reviews = request.review_ids
        request.with_user(self.manager).restart_validation()
        self.assertEqual(request.state, "to_approve")
        self.assertTrue(request.review_ids)
        self.assertFalse(old_reviews.exists())
        self.assertIn(self.manager, request.activity_ids.user_id, "the approvers get their to-do again")

    def test_evidence_is_frozen_once_submitted(self):
        request = self.submitted_request()
        evidence = request.evidence_ids
        for user in (self.frontdesk, self.manager):
            before = self.money()
            with self.assertRaises(REFUSED):
                evidence.with_user(user).unlink()
            with self.assertRaises(REFUSED):
                evidence[0].with_user(user).write({"datas": base64.b64encode(b"forged")})
            with self.assertRaises(REFUSED):
                self.env["clinic.refund.evidence"].with_user(user).create(
                    {"request_id": request.id, "datas": base64.b64encode(b"late"), "evidence_type": "other"}
                )
            with self.assertRaises(REFUSED):
                request.with_user(user).write({"evidence_ids": [Command.clear()]})
            attachments = self.env["ir.attachment"].search(
                [("res_model", "=", evidence._name), ("res_id", "in", evidence.ids), ("res_field", "=", "datas")]
            )
            self.assertTrue(attachments)
            with self.assertRaises(REFUSED):
                attachments.with_user(user).unlink()
            self.assertEqual(self.money(), before)

    def test_accountant_pays_an_approved_refund(self):
        request = self.submitted_request()
        request.with_user(self.manager).validate_tier()
        self.assertEqual(request.state, "approved")
        with self.assertRaisesRegex(UserError, "Clinic Accountant"):
            self.env["clinic.refund.request"].browse(request.ids).with_user(self.manager)._pay(self.bank_journal)
        self.pay_refund(request)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.contract_id.balance_principal, 0.0)
        self.assertEqual(self.liability_balance(), 0.0)


@tagged("post_install", "-at_install")
class TestBadInput(HostileCase):
    BAD_AMOUNTS = [float("nan"), float("inf"), float("-inf"), "1000", [1000], {"a": 1}, 1e15, True]

    def assertCleanRefusal(self, call, message=None):
        before = self.money()
        with self.assertRaises(UserError) as caught:
            call()
        if message:
            self.assertRegex(str(caught.exception), message)
        self.assertEqual(self.money(), before)

    def test_bad_amounts_on_top_ups_payments_and_contracts(self):
        contract = self.active_contract()
        invoice = self.create_invoice(100.0)
        Topup = self.env["clinic.stored.value.topup"].with_user(self.frontdesk)
        Pay = self.env["clinic.stored.value.pay"].with_user(self.frontdesk)
        Contract = self.env["clinic.prepaid.contract"].with_user(self.frontdesk)
        for amount in self.BAD_AMOUNTS:
            with self.subTest(amount=amount):
                self.assertCleanRefusal(
                    lambda amount=amount: Topup.create(
                        {"contract_id": contract.id, "journal_id": self.bank_journal.id, "amount": amount}
                    )
                )
                self.assertCleanRefusal(lambda amount=amount: Pay.create({"invoice_id": invoice.id, "amount": amount}))
                self.assertCleanRefusal(
                    lambda amount=amount: Contract.create({"partner_id": self.partner.id, "amount_principal": amount})
                )
        self.assertCleanRefusal(
            lambda: Contract.create({"partner_id": self.partner.id, "amount_principal": 1e15}), "too large"
        )

    def test_integers_past_postgresql_and_bad_selections(self):
        contract = self.create_contract()
        for vals, message in (
            ({"cooling_off_days": 2**40}, "too large"),
            ({"cooling_off_days": "7"}, "whole number"),
            ({"bonus_policy": "everything"}, "allowed values"),
            ({"consumption_order": 3}, "allowed values"),
        ):
            with self.subTest(vals=vals):
                self.assertCleanRefusal(lambda vals=vals: contract.with_user(self.manager).write(vals), message)

    def test_impossible_and_implausible_dates(self):
        contract = self.active_contract()
        Topup = self.env["clinic.stored.value.topup"].with_user(self.frontdesk)
        for date, message in (
            ("2026-02-30", "not a valid date"),
            ("yesterday", "not a valid date"),
            ("9999-01-01", "not a plausible date"),
            ("1000-01-01", "not a plausible date"),
        ):
            self.assertCleanRefusal(
                lambda date=date: Topup.create(
                    {"contract_id": contract.id, "journal_id": self.bank_journal.id, "date": date}
                ),
                message,
            )
        future = fields.Date.add(self.today, days=30)
        past = fields.Date.subtract(contract.date_signed, days=30)
        for date, message in ((future, "future date"), (past, "before its contract was signed")):
            wizard = Topup.create(
                {"contract_id": contract.id, "journal_id": self.bank_journal.id, "amount": 10.0, "date": date}
            )
            self.assertCleanRefusal(wizard.action_confirm, message)
        for date, message in ((future, "in the future"), (past, "before its contract was signed")):
            self.assertCleanRefusal(lambda date=date: self.file_request(contract, request_date=date), message)

    def test_long_texts_invalid_files_and_archived_members(self):
        contract = self.active_contract()
        wizard_vals = {"contract_id": contract.id, "journal_id": self.bank_journal.id, "amount": 10.0}
        self.assertCleanRefusal(
            lambda: (
                self.env["clinic.stored.value.topup"]
                .with_user(self.frontdesk)
                .create({**wizard_vals, "memo": "x" * 2_000_000})
            ),
            "too long",
        )
        draft = self.create_contract()
        for data in ("not base64!!", "QUJD$", 12345):
            self.assertCleanRefusal(
                lambda data=data: (
                    self.env["clinic.contract.scan.upload"]
                    .with_user(self.frontdesk)
                    .create({"contract_id": draft.id, "scan_file": data, "signed_by": "x"})
                )
            )
        request = self.file_request(self.consumed_contract())
        self.assertCleanRefusal(
            lambda: (
                self.env["clinic.refund.evidence"]
                .with_user(self.frontdesk)
                .create({"request_id": request.id, "datas": "%%%"})
            ),
            "base64",
        )
        archived = self.env["res.partner"].create({"name": "Left the city"})
        archived_contract = self.active_contract(partner=archived)
        invoice = self.create_invoice(100.0, partner=archived)
        archived.active = False
        self.assertCleanRefusal(lambda: self.create_contract(partner=archived), "archived")
        self.assertCleanRefusal(lambda: self.topup(archived_contract, amount=10.0), "archived")
        self.assertCleanRefusal(lambda: archived_contract._consume_stored_value(100.0, invoice), "archived")

    def test_unknown_fields_and_wrong_records(self):
        contract = self.create_contract()
        self.assertCleanRefusal(lambda: contract.write({"no_such_field": 1}), "no field")
        self.assertCleanRefusal(lambda: contract.write({"partner_id": 10**9}), "does not exist")
        self.assertCleanRefusal(lambda: contract.write({"partner_id": [1, 2]}), "a record is expected")
