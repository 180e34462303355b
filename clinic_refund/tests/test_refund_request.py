import base64
from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestRefundRequest(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_2 = new_test_user(
            cls.env, "rf_manager_2", groups="base.group_user,clinic_membership.group_clinic_manager"
        )

    # ------------------------------------------------------------------ one tier

    def test_one_tier_approval_and_payment_keep_the_ledgers_reconciled(self):
        contract = self.consumed_contract(refund_fee_percent=10.0, bonus_policy="forfeit", consumption_order="prorata")
        request = self.file_request(contract)
        # 3,000 paid, 1,000 consumed pro rata: 750 principal + 250 bonus; forfeit charges the 250 bonus to principal
        self.assertEqual(request.amount_refundable, 1800.0)  # (2,250 - 250) less 10%
        self.assertEqual(request.fee_amount, 200.0)
        self.assertIn("Bonus used, forfeited", request.breakdown)
        self.assertIn("¥\xa0250.00", request.breakdown, "amounts in the currency's format")
        request.action_submit()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(len(request.review_ids), 1)
        self.assertIn(self.manager, request.activity_ids.user_id)
        self.assertNotIn(self.frontdesk, request.activity_ids.user_id)
        request.with_user(self.manager).validate_tier()
        self.assertEqual(request.state, "approved")
        self.pay_refund(request)
        self.assertEqual(request.state, "paid")
        rows = request.stored_value_move_ids
        self.assertEqual(sorted(rows.mapped("move_type")), ["fee", "forfeit", "refund"])
        refund = rows.filtered(lambda r: r.move_type == "refund")
        self.assertEqual(refund.amount_principal, -1800.0)
        self.assertEqual(refund.payment_id.payment_type, "outbound")
        with self.assertRaisesRegex(UserError, "belongs to stored value row"):
            refund.payment_id.action_draft()  # the payout is undone by reversing its row, not by hand
        self.assertEqual(rows.filtered(lambda r: r.move_type == "fee").amount_principal, -200.0)
        self.assertEqual(rows.filtered(lambda r: r.move_type == "forfeit").amount_principal, -250.0)
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (0.0, 0.0))
        self.assertEqual((request.amount_refundable, request.fee_amount), (1800.0, 200.0), "the quote stays frozen")
        self.assertIn("Bonus used, forfeited", request.breakdown)
        self.assertEqual(contract.state, "closed")
        self.assertEqual(self.liability_balance(), 0.0)
        self.assertReconciled()

    def test_two_tiers_above_5000(self):
        contract = self.consumed_contract(principal=8000.0, bonus=0.0, consumed=0.0)
        request = self.file_request(contract, reason="treatment_cancelled")
        self.assertEqual(request.amount_requested, 8000.0)
        request.action_submit()
        self.assertEqual(len(request.review_ids), 2)
        first_step = request.activity_ids.user_id
        request.with_user(self.manager).validate_tier()
        self.assertEqual(request.state, "to_approve")
        self.assertIn(self.director, request.activity_ids.user_id)
        self.assertFalse(
            (first_step - request.approver_ids) & request.activity_ids.user_id,
            "the first step's other approvers (the administrator...) keep no to-do once it is decided",
        )
        request.with_user(self.director).validate_tier()
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.activity_ids.user_id & (first_step | self.director), "only the payment to-dos remain")
        self.pay_refund(request)
        self.assertEqual(request.state, "paid")

    def test_nobody_approves_two_steps(self):
        contract = self.consumed_contract(principal=8000.0, bonus=0.0, consumed=0.0)
        request = self.file_request(contract, reason="treatment_cancelled")
        request.action_submit()
        request.with_user(self.director).validate_tier()  # a director is a manager too: the first step
        self.assertEqual(request.state, "to_approve")
        with self.assertRaisesRegex(UserError, "needs another approver"):
            request.with_user(self.director).validate_tier()
        with self.assertRaisesRegex(UserError, "not an approver of the current step"):
            request.with_user(self.manager).validate_tier()  # the second step is a director's
        self.assertEqual(request.state, "to_approve")

    def test_rejection(self):
        contract = self.consumed_contract()
        request = self.file_request(contract)
        request.action_submit()
        action = request.with_user(self.manager).reject_tier()
        self.assertEqual(action["res_model"], "comment.wizard", "a rejection asks for its reason")
        arch = self.env["comment.wizard"].get_views(action["views"])["views"]["form"]["arch"]
        self.assertIn('string="Reject"', arch, "the dialog's button says Reject")
        self.env["comment.wizard"].with_user(self.manager).with_context(**action["context"]).create(
            {"comment": "No proof of payment"}
        ).add_comment()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.rejection_reason, "No proof of payment")
        with self.assertRaisesRegex(UserError, "not waiting for an approval"):
            request.with_user(self.frontdesk).reject_tier()
        with self.assertRaisesRegex(UserError, "must be approved"):
            self.pay_refund(request)
        request.action_reset_to_draft()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.review_ids)

    def test_requester_never_approves_own_request(self):
        contract = self.consumed_contract()
        request = self.file_request(contract, user=self.manager)
        request.with_user(self.manager).action_submit()
        self.assertNotIn(self.manager, request.activity_ids.user_id)
        with self.assertRaisesRegex(UserError, "someone else must approve"):
            request.with_user(self.manager).validate_tier()
        self.assertEqual(request.state, "to_approve")
        request.with_user(self.manager_2).validate_tier()
        self.assertEqual(request.state, "approved")

    def test_approval_outside_the_group_refused(self):
        contract = self.consumed_contract()
        request = self.file_request(contract)
        request.action_submit()
        with self.assertRaisesRegex(UserError, "not an approver"):
            request.with_user(self.accountant).validate_tier()
        self.assertEqual(request.state, "to_approve")

    # ------------------------------------------------------------------ bad input

    def test_quote_follows_the_ledger_until_submission(self):
        self.paid_days_ago = 0  # in the cooling-off period of the contract, until something is used
        contract = self.consumed_contract(consumed=0.0)
        request = self.file_request(contract)
        self.assertEqual(request.amount_refundable, 3000.0)
        self.pay(self.create_invoice(1000.0), 1000.0, contract)  # consumed while the request is a draft
        request.action_submit()
        self.assertLess(request.amount_refundable, 3000.0)
        self.assertEqual(request.amount_requested, request.amount_refundable)

    def test_request_above_refundable_refused(self):
        contract = self.consumed_contract()
        request = self.file_request(contract)
        request.amount_requested = request.amount_refundable + 0.01
        with self.assertRaisesRegex(ValidationError, "at most"):
            request.action_submit()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.review_ids)

    def test_contract_of_another_member_refused(self):
        contract = self.consumed_contract()
        other = self.env["res.partner"].create({"name": "Someone else"})
        with self.assertRaisesRegex(ValidationError, "belongs to"):
            self.env["clinic.refund.request"].create(
                {"partner_id": other.id, "contract_id": contract.id, "reason": "other"}
            )

    def test_evidence_required(self):
        contract = self.consumed_contract()
        request = self.file_request(contract, evidence=())
        self.assertEqual(
            sorted(request.evidence_ids.mapped("evidence_type")),
            ["contract", "payment_voucher"],
            "the signed contract and the top-up receipts the clinic holds are attached by themselves",
        )
        self.assertEqual(
            base64.b64decode(request.evidence_ids.filtered(lambda e: e.evidence_type == "contract").datas),
            contract._stored_signed_bytes(),
        )
        for kind in ("contract", "payment_voucher"):
            request = self.file_request(contract, evidence=())
            request.evidence_ids.filtered(lambda e, k=kind: e.evidence_type == k).unlink()
            with self.assertRaisesRegex(ValidationError, "contract and one payment voucher"):
                request.action_submit()
            self.assertEqual(request.state, "draft")

    def test_amounts_frozen_after_submission(self):
        contract = self.consumed_contract()
        request = self.file_request(contract)
        request.action_submit()
        with self.assertRaisesRegex(UserError, "only change through its actions"):
            request.amount_requested = 1.0
        with self.assertRaisesRegex(UserError, "only change through its actions"):
            request.reason = "treatment_cancelled"

    def test_paid_twice_or_by_non_accountant_refused(self):
        contract = self.consumed_contract()
        request = self.file_request(contract)
        request.action_submit()
        request.with_user(self.manager).validate_tier()
        with self.assertRaisesRegex(UserError, "Only a Clinic Accountant"):
            request.with_user(self.manager)._pay(self.bank_journal)
        self.pay_refund(request)
        with self.assertRaisesRegex(UserError, "already paid"):
            request.with_user(self.accountant)._pay(self.bank_journal)
        self.assertEqual(len(request.stored_value_move_ids.filtered(lambda r: r.move_type == "refund")), 1)

    # ------------------------------------------------------------------ deadlines, disputes, report

    def test_due_dates_and_overdue_activities(self):
        self.paid_days_ago = 0
        contract = self.consumed_contract(consumed=0.0)
        cooling = self.file_request(contract, reason="cooling_off")
        self.assertEqual(cooling.policy_rule, "cooling_off")
        self.assertEqual(cooling.date_due, self.today + timedelta(days=5))
        other = self.file_request(contract, reason="dissatisfied")
        self.assertEqual(other.date_due, self.today + timedelta(days=self.company.clinic_refund_due_days))
        cooling.action_submit()
        activities = cooling.activity_ids
        with freeze_time(self.today + timedelta(days=6)):
            self.assertTrue(cooling.is_overdue)
            self.assertIn(cooling, self.env["clinic.refund.request"].search([("is_overdue", "=", True)]))
            self.env["clinic.refund.request"]._cron_flag_overdue()
            self.env["clinic.refund.request"]._cron_flag_overdue()
        overdue = cooling.activity_ids - activities
        self.assertTrue(overdue)
        self.assertEqual(len(overdue), len(set(overdue.user_id)))
        self.assertTrue(all("Overdue" in summary for summary in overdue.mapped("summary")))

    def test_open_disputes(self):
        contract = self.consumed_contract()
        request = self.file_request(contract, dispute_channel="12315", dispute_reference="12315-2026-001")
        self.assertTrue(request.dispute_open)
        self.assertIn(request, self.env["clinic.refund.request"].search([("dispute_open", "=", True)]))
        request.dispute_outcome = "Mediated: refund agreed"
        self.assertFalse(request.dispute_open)

    def test_approval_form_prints_breakdown_and_reviews(self):
        contract = self.consumed_contract()
        request = self.file_request(contract)
        request.action_submit()
        request.with_user(self.manager).validate_tier()
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html("clinic_refund.report_refund_request", request.ids)
        self.assertIn(request.name, html.decode())
        self.assertIn("o_clinic_refund_breakdown", html.decode())
        self.assertIn(self.manager.name, html.decode())

    def test_a_draft_request_is_duplicated_by_the_front_desk(self):
        """Duplicate keeps what the front desk typed; number, state and quote start anew."""
        contract = self.active_contract()
        request = self.file_request(contract, description="电话沟通后申请 asked by phone")
        copy = request.with_user(self.frontdesk).copy()
        self.assertEqual(copy.state, "draft")
        self.assertNotEqual(copy.name, request.name)
        self.assertEqual(
            (copy.contract_id, copy.reason, copy.description), (contract, "dissatisfied", request.description)
        )
        self.assertEqual(copy.amount_refundable, request.amount_refundable, "quoted on the same ledger")
        request.with_user(self.frontdesk).action_submit()
        again = request.with_user(self.frontdesk).copy()
        self.assertEqual(again.state, "draft", "a submitted request's copy is a new draft")
        self.assertFalse(again.review_ids)


@tagged("post_install", "-at_install")
class TestRefundRequestButtons(StoredValueCase):
    def test_only_a_manager_is_shown_restart_validation(self):
        for user, shown in ((self.frontdesk, False), (self.accountant, False), (self.manager, True)):
            with self.subTest(user=user.login):
                views = self.env["clinic.refund.request"].with_user(user).get_views([(False, "form")])
                arch = views["views"]["form"]["arch"]
                arch = arch.decode() if isinstance(arch, bytes) else arch
                self.assertEqual('name="restart_validation"' in arch, shown)
