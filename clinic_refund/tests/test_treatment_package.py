"""Treatment packages (疗程卡): sale under a signed contract, redemption, undo, expiry, refunds."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestTreatmentPackage(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_member = cls.env["res.partner"].create({"name": "赵敏 (other member)", "email": "zm@example.com"})
        (cls.partner | cls.other_member).action_enrol_member()
        cls.partner.consent_email = True

    def setUp(self):
        super().setUp()
        self.package = self.create_package()

    def invoice_of(self, action):
        return self.env["account.move"].browse(action["res_id"])

    # ------------------------------------------------------------------ template and sale

    def test_template_shows_unit_and_list_price(self):
        self.assertEqual(self.package.unit_price, 833.33)
        self.assertEqual(self.package.list_price, 1980.0)
        self.assertAlmostEqual(self.package.saving_percent, 57.9, places=1)
        with self.assertRaises(ValidationError):
            self.create_package(sessions=0)
        with self.assertRaises(ValidationError):
            self.create_package(price=0.0)

    def test_sale_principal_covers_packages(self):
        form = Form(self.env["clinic.prepaid.contract"].with_user(self.frontdesk))
        form.partner_id = self.partner
        with form.package_line_ids.new() as line:
            line.package_id = self.package
        contract = form.save()
        self.assertEqual(contract.amount_principal, 5000.0, "the principal covers the package at least")
        self.assertEqual(contract.amount_packages, 5000.0)
        self.assertEqual(contract.package_line_ids.unit_price, 833.33)
        contract.amount_principal = 4000.0
        with self.assertRaisesRegex(UserError, "does not cover"):
            self.upload_scan(contract)

    def test_sold_price_is_frozen(self):
        contract = self.package_contract(self.package)
        line = contract.package_line_ids
        self.package.price = 9000.0
        self.assertEqual((line.price_total, line.sessions_total), (5000.0, 6))
        self.assertEqual(line.date_expiry, contract.date_signed + relativedelta(months=12, days=-1))
        with self.assertRaisesRegex(UserError, "frozen"):
            contract.write({"package_line_ids": [Command.create({"package_id": self.package.id})]})
        with self.assertRaisesRegex(UserError, "frozen"):
            line.unlink()

    # ------------------------------------------------------------------ redemption and undo

    def test_redeem_invoices_and_pays_from_the_contract(self):
        contract = self.package_contract(self.package, principal=8000.0)  # 5,000 of sessions, 3,000 of cash value
        line = contract.package_line_ids
        invoice = self.invoice_of(self.redeem(line, 2))
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.amount_total, 1666.66)
        self.assertEqual(invoice.clinic_practitioner_id, self.manager)
        row = invoice.clinic_stored_value_move_ids
        self.assertEqual(
            (row.move_type, row.sessions, row.amount_principal, row.amount_bonus), ("consume", -2, -1666.66, 0)
        )
        self.assertEqual((line.sessions_used, line.sessions_remaining), (2, 4))
        self.assertEqual(line.amount_remaining, 3333.34)
        self.assertEqual(contract.balance_packages, 3333.34)
        self.assertEqual(contract._stored_value_free(), 3000.0)
        self.assertEqual(self.partner.clinic_sessions_remaining, 4)

    def test_last_session_takes_the_cents(self):
        line = self.package_contract(self.package).package_line_ids
        self.redeem(line, 5)
        last = self.invoice_of(self.redeem(line, 1))
        self.assertEqual(last.amount_total, 833.35)
        self.assertEqual((line.sessions_remaining, line.amount_used, line.amount_remaining), (0, 5000.0, 0.0))
        self.assertEqual(line.contract_id.balance_principal, 0.0)

    def test_taxed_treatment_costs_the_package_price(self):
        tax = self.env["account.tax"].create(
            {"name": "VAT 6% (test)", "amount": 6.0, "type_tax_use": "sale", "price_include_override": "tax_excluded"}
        )
        self.package.product_id.taxes_id = tax
        line = self.package_contract(self.package).package_line_ids
        invoice = self.invoice_of(self.redeem(line, 2))
        self.assertEqual(invoice.amount_total, 1666.66, "tax included in the session price")
        self.assertTrue(invoice.amount_tax > 0)
        self.redeem(line, 4)
        self.assertEqual(line.amount_remaining, 0.0)

    def test_credit_note_gives_sessions_back(self):
        line = self.package_contract(self.package).package_line_ids
        invoice = self.invoice_of(self.redeem(line, 2))
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "治疗未做"})
        )
        wizard.refund_moves()
        credit_note = invoice.reversal_move_ids
        credit_note.invoice_line_ids.quantity = 1
        credit_note.action_post()
        self.assertEqual((line.sessions_used, line.sessions_remaining), (1, 5))
        self.assertEqual(line.amount_remaining, 4166.67)
        full = invoice._reverse_moves(cancel=True)  # the other session back: "reverse and cancel"
        self.assertEqual(full.state, "posted")
        self.assertEqual((line.sessions_used, line.amount_remaining), (0, 5000.0))

    # ------------------------------------------------------------------ refusals

    def test_refusals_leave_nothing_moved(self):
        contract = self.package_contract(self.package, principal=6000.0)
        line = contract.package_line_ids
        self.redeem(line, 4)

        def refused(error, regex, practitioner=None, **kwargs):
            rows = self.env["clinic.stored.value.move"].search_count([])
            invoices = self.env["account.move"].search_count([("move_type", "=", "out_invoice")])
            with self.assertRaisesRegex(error, regex):
                self.redeem(line, practitioner=practitioner, **kwargs)
            self.assertEqual(self.env["clinic.stored.value.move"].search_count([]), rows)
            self.assertEqual(self.env["account.move"].search_count([("move_type", "=", "out_invoice")]), invoices)
            self.assertEqual(line.sessions_remaining, 2)

        refused(UserError, "2 sessions left", quantity=3)
        refused(ValidationError, "positive whole number", quantity=0)
        refused(ValidationError, "positive whole number", quantity=-1)
        refused(UserError, "belongs to", partner=self.other_member)
        portal_user = self.env["res.users"].create(
            {
                "name": "门户用户",
                "login": "pk_portal",
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        refused(UserError, "not a practitioner", practitioner=portal_user)
        refused(UserError, "not a practitioner", practitioner=self.frontdesk)  # staff who give no treatment
        # a cash checkout cannot spend what pays for the sessions
        with self.assertRaisesRegex(UserError, "free to spend"):
            self.pay(self.create_invoice(1500.0), 1500.0, contract)
        self.pay(self.create_invoice(1000.0), 1000.0, contract)
        # expired: the package price is over, the value is not
        line.sudo().write({"date_expiry": fields.Date.subtract(self.today, days=1)})
        refused(UserError, "stay refundable")
        line.sudo().write({"date_expiry": False})
        # frozen by a refund under way
        request = self.file_request(contract)
        request.action_submit()
        refused(UserError, "refund under way")
        request.action_cancel()
        # closed or ended contracts
        contract._action_write({"state": "terminated"})
        refused(UserError, "active contract only")

    def test_no_redemption_before_the_contract_is_paid(self):
        contract = self.package_contract(self.package, paid=False)
        line = contract.package_line_ids
        with self.assertRaisesRegex(UserError, "not paid yet"):
            self.redeem(line, 1)
        self.topup(contract, amount=2000.0)
        with self.assertRaisesRegex(UserError, "not paid yet"):
            self.redeem(line, 1)
        self.topup(contract, amount=3000.0)
        self.redeem(line, 1)
        self.assertEqual(line.sessions_remaining, 5)

    def test_counts_are_never_typed(self):
        contract = self.package_contract(self.package)
        line = contract.package_line_ids.with_user(self.frontdesk)
        for vals in (
            {"sessions_used": 0},
            {"sessions_remaining": 60},
            {"sessions_total": 60},
            {"unit_price": 1.0},
            {"amount_remaining": 1e6},
            {"package_id": self.create_package(sessions=60).id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                line.write(vals)
        with self.assertRaises(UserError):
            self.env["clinic.contract.package.line"].with_user(self.frontdesk).create(
                {"contract_id": contract.id, "package_id": self.package.id}
            )
        with self.assertRaises(AccessError):
            self.env["clinic.stored.value.move"].with_user(self.frontdesk).create(
                {"contract_id": contract.id, "move_type": "reversal", "package_line_id": line.id, "sessions": 6}
            )
        self.assertEqual((line.sessions_total, line.sessions_remaining, line.amount_remaining), (6, 6, 5000.0))
        invoice = self.invoice_of(self.redeem(line, 1))
        for user in (self.frontdesk, self.accountant, self.manager):
            with self.assertRaises(UserError):
                invoice.with_user(user).write({"clinic_practitioner_id": user.id})
        self.assertEqual(invoice.clinic_practitioner_id, self.manager)

    # ------------------------------------------------------------------ expiry notice

    def test_expiry_notice_once_with_consent(self):
        line = self.package_contract(self.package).package_line_ids
        other = self.package_contract(self.package, partner=self.other_member).package_line_ids
        soon = fields.Date.add(self.today, days=10)
        (line | other).sudo().write({"date_expiry": soon})
        Mail = self.env["mail.mail"]
        before = Mail.search_count([])
        self.env["clinic.contract.package.line"]._cron_notify_expiry()
        mails = Mail.search([], order="id desc", limit=Mail.search_count([]) - before)
        self.assertEqual(len(mails), 1, "mailed to the member who consented only")
        self.assertIn(self.partner.email, mails.email_to)
        self.assertIn("stay refundable", mails.body_html)
        self.assertIn("no email consent", other.contract_id.message_ids[0].body)
        self.assertEqual((line.expiry_notice_date, other.expiry_notice_date), (self.today, self.today))
        self.env["clinic.contract.package.line"]._cron_notify_expiry()
        self.assertEqual(Mail.search_count([]), before + 1, "told once")

    # ------------------------------------------------------------------ refunds

    def test_refund_actual_pricing_unused_sessions_at_unit_price(self):
        contract = self.package_contract(self.package, principal=8000.0, bonus=1000.0, refund_fee_percent=0.0)
        self.redeem(contract.package_line_ids, 2)
        request = self.file_request(contract)
        # 3,333.34 of sessions left and the 3,000 of cash principal; the bonus was never used
        self.assertEqual(request.amount_refundable, 6333.34)
        self.assertIn("4 sessions left", request.breakdown)
        request.action_submit()
        request.with_user(self.manager).validate_tier()
        if request.state == "to_approve":
            request.with_user(self.director).validate_tier()
        self.pay_refund(request)
        self.assertEqual(contract.state, "closed")
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (0.0, 0.0))

    def test_refund_list_pricing_in_sessions(self):
        contract = self.package_contract(
            self.package, principal=8000.0, consumed_pricing="list", refund_fee_percent=0.0
        )
        self.redeem(contract.package_line_ids, 3)
        request = self.file_request(contract)
        # 3 x 1,980 = 5,940 at list price against 2,499.99 charged: the 3,440.01 difference is capped
        # at the 2,500.01 left of the package; the 3,000 of cash value is untouched.
        self.assertEqual(request.amount_refundable, 3000.0)
        line = next(line for line in request.quote_data["lines"] if line["code"] == "package_list_price")
        self.assertEqual(line["basis"]["sessions"], 3)
        self.assertEqual(line["basis"]["list_unit"], 1980.0)
        self.assertEqual(line["amount"], -2500.01)
        self.assertIn("5,940.00", request.breakdown)

    def test_refund_clinic_at_fault_no_repricing(self):
        contract = self.package_contract(self.package, consumed_pricing="list", refund_fee_percent=10.0)
        self.redeem(contract.package_line_ids, 1)
        request = self.file_request(contract, reason="service_not_provided")
        self.assertEqual((request.amount_refundable, request.fee_amount), (4166.67, 0.0))

    def test_cooling_off_lost_once_a_session_is_used(self):
        self.paid_days_ago = 0
        contract = self.package_contract(self.package)
        self.assertEqual(self.file_request(contract, reason="cooling_off").policy_rule, "cooling_off")
        self.env["clinic.refund.request"].search([("contract_id", "=", contract.id)]).unlink()
        self.redeem(contract.package_line_ids, 1)
        self.assertEqual(self.file_request(contract, reason="cooling_off").policy_rule, "standard")

    def test_the_desk_chooses_among_practitioners_and_gets_the_usual_one(self):
        contract = self.package_contract(self.package, principal=6000.0)
        line = contract.package_line_ids
        redeem = self.env["clinic.session.redeem"].with_user(self.frontdesk)
        offered = (
            self.env["res.users"]
            .with_user(self.frontdesk)
            .search([("clinic_is_practitioner", "=", True), ("company_ids", "in", self.company.id)])
        )
        self.assertIn(self.manager, offered)
        self.assertNotIn(self.frontdesk, offered, "the desk lists those who give treatments only")
        self.assertNotIn(self.accountant, offered)
        self.assertFalse(redeem.new({"partner_id": self.partner.id}).practitioner_id, "no session yet")
        self.redeem(line, 1, practitioner=self.manager)
        wizard = redeem.new({"partner_id": self.partner.id})
        self.assertEqual(wizard.practitioner_id, self.manager, "her usual practitioner, pre-filled")
