import base64
from datetime import timedelta
from unittest.mock import patch

from odoo.addons.clinic_refund.models.clinic_signature_mixin import ClinicSignatureMixin
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import StoredValueCase, make_pdf
from .test_contract_signature import signature_png


@tagged("post_install", "-at_install")
class TestRefundSettlement(StoredValueCase):
    """A refund settled at a negotiated amount, bound by a signed agreement or an outside decision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_2 = new_test_user(
            cls.env, "st_manager_2", groups="base.group_user,clinic_membership.group_clinic_manager"
        )

    def propose(self, request, amount, user=None, **vals):
        form = Form(
            self.env["clinic.refund.settlement.propose"]
            .with_user(user or self.manager)
            .with_context(default_request_id=request.id)
        )
        form.amount = amount
        form.reason = vals.pop("reason", "协商一致：会员同意部分退款")
        for name, value in vals.items():
            setattr(form, name, value)
        form.save().action_confirm()
        return request.settlement_id

    def sign_on_paper(self, settlement, data=None, signer=None):
        wizard = (
            self.env["clinic.contract.scan.upload"]
            .with_user(self.manager)
            .create(
                {
                    "settlement_id": settlement.id,
                    "scan_file": base64.b64encode(data or make_pdf("签署的和解协议")),
                    "scan_filename": "agreement.pdf",
                    "signed_by": signer or settlement.partner_id.name,
                    "date_signed": self.today,
                }
            )
        )
        wizard.action_confirm()

    def approve(self, request):
        request.action_submit()
        for approver in (self.manager_2, self.director):
            if request.state != "to_approve":
                break
            if approver in request.approver_ids:
                request.with_user(approver).validate_tier()

    # ------------------------------------------------------------------ amounts

    def test_a_goodwill_refund_above_the_quote_needs_the_director_and_forfeits_the_rest(self):
        contract = self.consumed_contract(principal=8000.0, bonus=1000.0, consumed=3000.0, refund_fee_percent=10.0)
        request = self.file_request(contract)
        quoted = request.amount_refundable
        self.assertLess(quoted, 5000.0, "the rules alone would stay under the director's limit")
        settlement = self.propose(request, 5200.0)
        self.assertEqual((request.agreed_amount, request.amount_requested), (5200.0, 5200.0))
        self.assertEqual(settlement.amount_quoted, quoted)
        self.assertIn("Above the terms", request.breakdown)
        self.assertIn("¥\xa05,200.00", request.breakdown)
        request.action_submit()
        self.assertEqual(len(request.review_ids), 2, "5,200 paid: above 5,000 needs the director's step too")
        request.with_user(self.manager_2).validate_tier()
        request.with_user(self.director).validate_tier()
        self.assertEqual(request.state, "approved")
        with self.assertRaisesRegex(UserError, "signed agreement"):
            self.pay_refund(request)
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.stored_value_move_ids, "nothing paid before the agreement is signed")
        self.sign_on_paper(settlement)
        self.assertEqual(settlement.state, "signed")
        self.assertEqual(request.agreement_signed_sha256, settlement.signed_sha256)
        self.pay_refund(request)
        rows = request.stored_value_move_ids
        self.assertEqual(sorted(rows.mapped("move_type")), ["forfeit", "refund"], "no fee on a settled amount")
        self.assertEqual(rows.filtered(lambda r: r.move_type == "refund").amount_principal, -5200.0)
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (0.0, 0.0))
        self.assertEqual(self.liability_balance(), 0.0)
        self.assertReconciled()

    def test_a_compromise_below_the_quote_needs_one_approval(self):
        contract = self.consumed_contract(principal=8000.0, bonus=0.0, consumed=0.0)
        request = self.file_request(contract, reason="treatment_cancelled")
        self.assertEqual(request.amount_refundable, 8000.0)
        settlement = self.propose(request, 4000.0, payment_method="cash")
        self.assertIn("Below the terms", request.breakdown)
        request.action_submit()
        self.assertEqual(len(request.review_ids), 1, "4,000 paid: the manager's step only")
        request.with_user(self.manager_2).validate_tier()
        self.sign_on_paper(settlement)
        self.pay_refund(request)
        self.assertEqual(request.state, "paid")
        forfeit = request.stored_value_move_ids.filtered(lambda r: r.move_type == "forfeit")
        self.assertEqual(forfeit.amount_principal, -4000.0, "what the clinic keeps is a forfeit row")
        self.assertReconciled()

    def test_who_negotiated_the_amount_does_not_approve_it(self):
        contract = self.consumed_contract(principal=8000.0, bonus=0.0, consumed=3000.0, refund_fee_percent=10.0)
        request = self.file_request(contract)
        self.propose(request, request.amount_refundable + 200.0)  # above the quote, by self.manager
        request.action_submit()
        self.assertNotIn(self.manager, request.approver_ids, "never offered to the negotiator")
        with self.assertRaisesRegex(UserError, "You negotiated the amount"):
            request.with_user(self.manager).validate_tier()
        self.assertEqual(request.state, "to_approve")
        self.assertFalse(request.review_ids.filtered(lambda r: r.status == "approved"), "nothing moved")
        request.with_user(self.manager_2).validate_tier()
        self.assertEqual(request.state, "approved")

    def test_more_than_the_principal_left_is_refused(self):
        contract = self.consumed_contract(principal=3000.0, bonus=1000.0, consumed=1000.0)
        request = self.file_request(contract)
        principal = contract.balance_principal
        with self.assertRaisesRegex(ValidationError, "more than the"):
            self.propose(request, principal + 0.01)
        with self.assertRaisesRegex(ValidationError, "positive"):
            self.propose(request, 0.0)
        self.assertFalse(request.settlement_id)
        self.assertFalse(self.env["clinic.refund.settlement"].search([("request_id", "=", request.id)]))

    def test_a_past_due_date_or_no_reason_is_refused(self):
        request = self.file_request(self.consumed_contract())
        with self.assertRaisesRegex(ValidationError, "past"):
            self.propose(request, 1000.0, date_due=self.today - timedelta(days=1))
        with self.assertRaisesRegex(ValidationError, "why"):
            request.with_user(self.manager)._propose_settlement(
                {"amount": 1000.0, "reason": "  ", "date_due": self.today, "basis": "agreement"}
            )
        self.assertFalse(request.settlement_id)

    def test_negotiating_during_approval_starts_the_approval_again(self):
        contract = self.consumed_contract(principal=8000.0, bonus=0.0, consumed=0.0)
        request = self.file_request(contract, reason="treatment_cancelled")
        request.action_submit()
        request.with_user(self.manager_2).validate_tier()  # first step of two
        self.propose(request, 3000.0)
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(len(request.review_ids), 1, "the approvals follow the new amount")
        self.assertFalse(request.review_ids.filtered(lambda r: r.status == "approved"), "earlier approvals are void")

    def test_a_new_proposal_supersedes_the_earlier_one(self):
        request = self.file_request(self.consumed_contract())
        first = self.propose(request, 1000.0)
        second = self.propose(request, 1200.0)
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(request.settlement_id, second)
        self.assertEqual(request.amount_requested, 1200.0)
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            self.sign_on_paper(first)

    def test_the_settlement_date_is_the_due_date(self):
        request = self.file_request(self.consumed_contract())
        due = self.today + timedelta(days=3)
        self.propose(request, 1000.0, date_due=due)
        self.assertEqual(request.date_due, due)
        self.approve(request)
        todo = request.activity_ids.filtered(lambda a: a.user_id == self.accountant)
        self.assertEqual(todo.date_deadline, due, "the accountant's to-do is due by the agreed date")

    # ------------------------------------------------------------------ the document

    def test_a_tampered_agreement_file_does_not_bind(self):
        request = self.file_request(self.consumed_contract())
        settlement = self.propose(request, 1000.0)
        self.sign_on_paper(settlement)
        self.approve(request)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", settlement._name), ("res_id", "=", settlement.id), ("res_field", "=", "signed_file")]
        )
        attachment.write({"raw": b"%PDF-1.4 a different amount"})
        with self.assertRaisesRegex(UserError, "altered"):
            self.pay_refund(request)
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.stored_value_move_ids)
        settlement.with_user(self.manager).action_verify_signature()
        self.assertTrue(settlement.signature_tampered)

    def test_an_outside_decision_sets_the_amount(self):
        contract = self.consumed_contract(principal=3000.0, bonus=0.0, consumed=0.0)
        request = self.file_request(contract, dispute_channel="court", dispute_reference="(2026)沪0115民初123号")
        with self.assertRaisesRegex(ValidationError, "number of the mediation record or of the judgment"):
            request.with_user(self.manager)._propose_settlement(
                {"amount": 2500.0, "reason": "判决", "date_due": self.today, "basis": "court"}
            )
        settlement = self.propose(request, 2500.0, basis="court", decision_reference="(2026)沪0115民初123号")
        with self.assertRaisesRegex(UserError, "upload the decision"):
            settlement.with_user(self.manager).action_send_for_signature()
        self.approve(request)
        with self.assertRaisesRegex(UserError, "decision document"):
            self.pay_refund(request)
        self.sign_on_paper(settlement, data=make_pdf("判决书"), signer="上海市浦东新区人民法院")
        self.assertEqual(settlement.signed_by, "上海市浦东新区人民法院")
        self.pay_refund(request)
        refund = request.stored_value_move_ids.filtered(lambda r: r.move_type == "refund")
        self.assertEqual(refund.amount_principal, -2500.0)
        self.assertReconciled()

    def test_the_agreement_is_signed_electronically_by_the_member(self):
        request = self.file_request(self.consumed_contract())
        settlement = self.propose(request, 1000.0)
        # wkhtmltopdf would fetch its styles from this very server, busy running the test: a real
        # PDF of the agreement's text stands for the printed one (its rendering is tested apart)
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.display_name)):
            settlement.with_user(self.manager).action_send_for_signature()
        self.assertEqual(settlement.state, "sent")
        sign_request = settlement.sign_request_id
        self.assertEqual(sign_request.signer_ids.partner_id, self.partner)
        signer = sign_request.signer_ids.sudo()  # as sign_oca's signing page does
        self.assertTrue(base64.b64decode(sign_request.data).startswith(b"%PDF"))
        items = {key: dict(item, value=signature_png()) for key, item in sign_request.signatory_data.items()}
        signer.action_sign(items)
        self.assertEqual(settlement.state, "signed")
        self.assertEqual(settlement.signature_method, "electronic")
        self.assertTrue(settlement.signed_sha256)

    def test_the_agreement_prints_in_chinese(self):
        self.activate_zh_cn()
        self.partner.lang = "zh_CN"  # it prints in the member's language
        request = self.file_request(self.consumed_contract())
        settlement = self.propose(request, 1000.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("clinic_refund.action_report_refund_settlement", settlement.ids)[0]
            .decode()
        )
        self.assertIn("退款和解协议", html)
        self.assertIn("1,000.00", html)

    # ------------------------------------------------------------------ hostile

    def test_no_role_writes_the_agreed_amount_or_signs_without_a_file(self):
        request = self.file_request(self.consumed_contract())
        settlement = self.propose(request, 1000.0)
        self.approve(request)
        for user in (self.frontdesk, self.manager, self.accountant, self.director):
            for target, vals in (
                (request, {"agreed_amount": 9.0}),
                (request, {"settlement_id": False}),
                (request, {"amount_requested": 9.0}),
                (settlement, {"amount": 9.0}),
                (settlement, {"state": "signed"}),
                (settlement, {"signed_sha256": "0" * 64}),
            ):
                with self.assertRaises(UserError):  # AccessError and ValidationError are UserErrors
                    target.with_user(user).write(vals)
            with self.assertRaises(UserError):  # AccessError and ValidationError are UserErrors
                self.env["clinic.refund.settlement"].with_user(user).create(
                    {"request_id": request.id, "amount": 9.0, "state": "signed", "date_due": self.today}
                )
            with self.assertRaises(UserError):  # AccessError and ValidationError are UserErrors
                self.env["clinic.contract.scan.upload"].with_user(user).create(
                    {"settlement_id": settlement.id, "signed_by": "x", "date_signed": self.today}
                ).action_confirm()
        self.assertEqual((request.amount_requested, settlement.amount, settlement.state), (1000.0, 1000.0, "draft"))
        with self.assertRaisesRegex(UserError, "Clinic Manager"):
            request.with_user(self.frontdesk)._propose_settlement(
                {"amount": 9.0, "reason": "x", "date_due": self.today, "basis": "agreement"}
            )
        with self.assertRaisesRegex(UserError, "approved or closed"):
            request.with_user(self.manager)._propose_settlement(
                {"amount": 9.0, "reason": "x", "date_due": self.today, "basis": "agreement"}
            )
        self.assertEqual(request.settlement_id, settlement)

    def test_only_a_manager_files_or_sends_the_agreement_and_a_proposal_is_never_deleted(self):
        request = self.file_request(self.consumed_contract())
        settlement = self.propose(request, 1000.0)
        before = (settlement.state, settlement.signed_sha256, settlement.sign_request_id)
        for user in (self.frontdesk, self.accountant):
            with self.assertRaisesRegex(UserError, "Only a Clinic Manager"):
                self.env["clinic.contract.scan.upload"].with_user(user).create(
                    {
                        "settlement_id": settlement.id,
                        "scan_file": base64.b64encode(make_pdf("伪造协议")),
                        "signed_by": "x",
                        "date_signed": self.today,
                    }
                ).action_confirm()
            with self.assertRaisesRegex(UserError, "Only a Clinic Manager"):
                settlement.with_user(user).action_send_for_signature()
        self.assertEqual((settlement.state, settlement.signed_sha256, settlement.sign_request_id), before)
        for user in (self.frontdesk, self.manager):
            with self.assertRaises(UserError):
                request.with_user(user).unlink()
        self.assertTrue(request.exists() and settlement.exists())
