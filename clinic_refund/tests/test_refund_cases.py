"""Refund cases found wrong when tried as a clinic would, each to the cent and ending with GL = sub-ledger."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestRefundCases(StoredValueCase):
    def invoice_product(self, product, price, quantity=1, taxes=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.set(taxes.ids)] if taxes else [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def approve(self, request):
        request.action_submit()
        request.with_user(self.manager).validate_tier()
        if request.state == "to_approve":
            request.with_user(self.director).validate_tier()
        self.assertEqual(request.state, "approved")

    # ------------------------------------------------------------------ amounts

    def test_list_repricing_of_a_taxed_service_compares_without_tax(self):
        vat = self.env["account.tax"].create(
            {
                "name": "VAT 6% (excluded)",
                "amount": 6.0,
                "amount_type": "percent",
                "price_include_override": "tax_excluded",
            }
        )
        service = self.env["product.product"].create(
            {"name": "Hydrafacial", "type": "service", "list_price": 1000.0, "taxes_id": [Command.set(vat.ids)]}
        )
        contract = self.active_contract(principal=3000.0, bonus=0.0, consumed_pricing="list", bonus_policy="forfeit")
        invoice = self.invoice_product(service, 900.0, taxes=vat)  # member price 900 + 6% = 954
        self.assertEqual(invoice.amount_total, 954.0)
        self.pay(invoice)
        request = self.file_request(contract)
        # 954 paid for a service listed at 1,000 + 6% = 1,060: the 106 difference is deducted
        self.assertEqual(request.amount_refundable, 3000.0 - 954.0 - 106.0)
        self.assertIn("without tax", request.breakdown)
        self.approve(request)
        self.pay_refund(request)
        self.assertEqual(contract.balance_principal, 0.0)

    def test_list_repricing_under_prorata_splits_the_repriced_consumption(self):
        service = self.env["product.product"].create(
            {"name": "Thermage", "type": "service", "list_price": 2400.0, "taxes_id": [Command.clear()]}
        )
        contract = self.active_contract(
            principal=3000.0, bonus=1000.0, consumed_pricing="list", bonus_policy="prorata", consumption_order="prorata"
        )
        self.pay(self.invoice_product(service, 2000.0))
        request = self.file_request(contract)
        self.assertEqual(request.amount_refundable, 1200.0)  # 1,500 unused - 400 x 3,000 / 4,000
        self.assertIn("民法典", request.breakdown)

    def test_a_pro_rata_correction_of_nothing_is_not_shown(self):
        contract = self.active_contract(
            principal=3000.0, bonus=1000.0, bonus_policy="prorata", consumption_order="prorata"
        )
        self.pay(self.create_invoice(1000.0))  # the ledger already took 750 + 250
        request = self.file_request(contract)
        self.assertEqual(request.amount_refundable, 2250.0)
        self.assertNotIn("Bonus policy pro rata", request.breakdown, "no ¥0.00 line to puzzle the member")

    def test_a_principal_first_quote_is_paid_with_its_resplit(self):
        contract = self.active_contract(
            principal=3000.0, bonus=1000.0, bonus_policy="prorata", consumption_order="principal_first"
        )
        self.pay(self.create_invoice(1000.0))
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2000.0, 1000.0))
        request = self.file_request(contract)
        self.assertEqual(request.amount_refundable, 2250.0, "1,000 used takes 750 of principal under pro rata")
        self.assertIn("Bonus policy pro rata", request.breakdown, "the 250.00 correction is explained")
        self.approve(request)
        self.pay_refund(request)
        rows = request.stored_value_move_ids.sorted("id")
        self.assertEqual(
            [(row.move_type, row.amount_principal, row.amount_bonus) for row in rows],
            [("adjust", 250.0, -250.0), ("refund", -2250.0, 0.0), ("forfeit", 0.0, -750.0)],
        )
        self.assertEqual((contract.state, contract.balance_principal, contract.balance_bonus), ("closed", 0.0, 0.0))
        self.assertEqual(self.liability_balance(), 0.0)

    # ------------------------------------------------------------------ the frozen quote

    def test_a_submitted_request_freezes_the_stored_value(self):
        contract = self.active_contract(principal=3000.0, bonus=0.0)
        self.pay(self.create_invoice(500.0))
        paid = self.create_invoice(300.0)
        self.pay(paid)
        request = self.file_request(contract)
        request.action_submit()
        invoice = self.create_invoice(200.0)
        with self.assertRaisesRegex(UserError, "refund under way"):
            self.pay(invoice, amount=200.0)
        with self.assertRaisesRegex(UserError, "refund under way"):
            self.topup(contract, amount=10.0)
        with self.assertRaisesRegex(UserError, "refund under way"):
            paid._reverse_moves().action_post()
        with self.assertRaisesRegex(UserError, "refund under way"):
            self.env["clinic.stored.value.adjust"].with_user(self.manager).create(
                {"contract_id": contract.id, "amount_bonus": 10.0, "reason": "goodwill"}
            ).action_confirm()
        self.assertEqual(contract.open_refund_request_id, request)
        self.assertEqual(contract.balance_principal, 2200.0)
        request.action_cancel()
        self.pay(invoice, amount=200.0)  # the freeze ends with the request
        self.assertEqual(contract.balance_principal, 2000.0)

    # ------------------------------------------------------------------ dates

    def test_back_dating_needs_a_manager_a_reason_and_a_record(self):
        contract = self.active_contract(principal=3000.0, bonus=0.0)
        contract.sudo()._action_write({"date_signed": self.today - timedelta(days=20)})
        yesterday = self.today - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "Only a Clinic Manager can date"):
            self.file_request(contract, request_date=yesterday)
        with self.assertRaisesRegex(ValidationError, "Say why"):
            self.file_request(contract, request_date=yesterday, user=self.manager)
        request = self.file_request(
            contract, request_date=yesterday, user=self.manager, backdate_reason="Phoned on the 24th, see the call log"
        )
        self.assertTrue(any("Phoned on the 24th" in (message.body or "") for message in request.message_ids))
        with self.assertRaisesRegex(ValidationError, "communication record"):
            request.action_submit()
        request.write(
            {
                "evidence_ids": [
                    Command.create({"evidence_type": "communication", "datas": "UEsDBA==", "filename": "call.pdf"})
                ]
            }
        )
        request.action_submit()
        self.assertEqual(request.state, "to_approve")

    # ------------------------------------------------------------------ approvals

    def test_a_lone_director_cannot_deadlock_a_large_refund(self):
        director_group = self.env.ref("clinic_membership.group_clinic_director")
        (director_group.users - self.director).write({"groups_id": [Command.unlink(director_group.id)]})
        contract = self.active_contract(principal=9000.0, bonus=0.0)
        request = self.file_request(contract)
        request.action_submit()
        self.assertEqual(len(set(request.review_ids.mapped("sequence"))), 2, "manager, then director")
        self.assertIn(self.director, request.approver_ids)
        self.assertIn(self.manager, request.approver_ids)
        with self.assertRaisesRegex(UserError, "nobody is left to approve"):
            request.with_user(self.director).validate_tier()
        request.with_user(self.manager).validate_tier()
        self.assertEqual(request.approver_ids, self.director, "the director step is the director's alone")
        request.with_user(self.director).validate_tier()
        self.assertEqual(request.state, "approved")

    def test_accountants_get_a_to_do_when_a_refund_is_approved(self):
        contract = self.active_contract(principal=3000.0, bonus=0.0)
        request = self.file_request(contract)
        self.approve(request)
        todo = request.activity_ids.filtered(lambda a: a.user_id == self.accountant)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.date_deadline, request.date_due)
        action = self.env.ref("clinic_refund.clinic_refund_request_action_to_pay")
        to_pay = self.env["clinic.refund.request"].search(safe_eval(action.domain))
        self.assertIn(request, to_pay)
        self.assertEqual(request.days_to_due, (request.date_due - self.today).days)
        self.pay_refund(request)
        self.assertFalse(request.activity_ids)

    # ------------------------------------------------------------------ the letter

    def test_a_late_cooling_off_request_says_why_the_terms_apply(self):
        contract = self.active_contract(principal=3000.0, bonus=0.0, refund_fee_percent=10.0)
        contract.sudo()._action_write({"date_signed": self.today - timedelta(days=10)})
        request = self.file_request(contract, reason="cooling_off")
        self.assertEqual(request.policy_rule, "standard")
        self.assertIn("10 days after signing", request.breakdown)
        self.assertEqual(request.amount_refundable, 2700.0)
        self.paid_days_ago = 0  # signed and paid today, then used: the contract's cooling-off is lost
        contract = self.active_contract(
            principal=3000.0, bonus=0.0, partner=self.env["res.partner"].create({"name": "B"})
        )
        self.pay(self.create_invoice(100.0, partner=contract.partner_id), contract=contract)
        request = self.file_request(contract, reason="cooling_off")
        self.assertIn("were already used", request.breakdown)
