"""The front desk's checkout: tier prices, points, stored value and the rest on one screen."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestCheckout(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        cls.partner.action_enrol_member()
        cls.partner._clinic_set_tier(cls.env.ref("clinic_membership.tier_gold"), "manual")

    def checkout(self, lines=((None, 1),), user=None, **values):
        action = self.partner.with_user(user or self.frontdesk).action_clinic_checkout()
        form = Form(self.env["clinic.checkout"].with_user(user or self.frontdesk).with_context(**action["context"]))
        for product, quantity in lines:
            with form.line_ids.new() as line:
                line.product_id = product or self.product
                line.quantity = quantity
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def counts(self):
        return (
            self.env["account.move"].search_count([("partner_id", "=", self.partner.id)]),
            self.env["clinic.stored.value.move"].search_count([]),
            self.env["clinic.points.move"].search_count([("partner_id", "=", self.partner.id)]),
        )

    def test_a_gold_member_pays_a_treatment_from_stored_value(self):
        contract = self.active_contract(principal=3000.0, bonus=0.0)
        wizard = self.checkout()
        self.assertEqual(wizard.line_ids.price_unit, 900.0, "the Gold price")
        self.assertEqual((wizard.contract_id, wizard.stored_value_amount, wizard.amount_rest), (contract, 900.0, 0.0))
        invoice = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual((invoice.state, invoice.amount_total), ("posted", 900.0))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(contract.balance_principal, 2100.0)

    def test_points_stored_value_and_cash_together(self):
        contract = self.active_contract(principal=500.0, bonus=0.0)
        self.env["clinic.points.move"]._clinic_record(
            [{"partner_id": self.partner.id, "move_type": "earn", "points": 10000, "source_ref": "test"}]
        )
        wizard = self.checkout(lines=((None, 2),), points_to_redeem=10000)  # 2 x 900 = 1,800; points: 100
        self.assertEqual((wizard.amount_total, wizard.points_value), (1800.0, 100.0))
        self.assertEqual(wizard.stored_value_amount, 500.0, "all the stored value the contract holds")
        wizard.journal_id = self.cash_journal
        self.assertEqual(wizard.amount_rest, 1200.0)
        invoice = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(invoice.amount_total, 1700.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(contract.balance_principal, 0.0)
        self.assertEqual(invoice.clinic_points_redeemed, 10000)

    def test_the_rest_is_paid_in_cash_unless_the_desk_says_otherwise(self):
        self.active_contract(principal=300.0, bonus=0.0)
        wizard = self.checkout()
        self.assertEqual(wizard.journal_id.type, "cash", "cash is chosen for the rest")
        self.assertFalse(wizard.rest_warning)
        wizard.journal_id = False
        self.assertIn("600.00", wizard.rest_warning, "said before confirming: the invoice stays part-paid")
        invoice = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("partial", 600.0))

    def test_the_contract_proposed_is_one_that_pays_today(self):
        frozen = self.active_contract(principal=6600.0, bonus=0.0)
        self.file_request(frozen).action_submit()
        sessions_only = self.package_contract(self.create_package(price=5000.0))
        wizard = self.checkout()
        self.assertFalse(wizard.contract_id, "neither a frozen contract nor one holding only sessions pays")
        self.assertIn(frozen.name, wizard.contract_warning)
        self.assertIn("frozen", wizard.contract_warning)
        self.assertIn(sessions_only.name, wizard.contract_warning)
        self.assertIn("5,000.00", wizard.contract_warning, "amounts are money")
        self.partner.invalidate_recordset()
        self.assertEqual((self.partner.stored_value_available, self.partner.stored_value_reserved), (0.0, 5000.0))
        payer = self.active_contract(principal=1000.0, bonus=0.0)
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.stored_value_available, 1000.0, "the member's form says what pays today")
        wizard = self.checkout()
        self.assertEqual((wizard.contract_id, wizard.contract_warning), (payer, ""))
        wizard.contract_id = frozen
        self.assertIn("frozen", wizard.contract_warning)

    def test_the_packages_named_show_the_sessions_left(self):
        """The screen computes in an onchange, where the package lines are new records of the stored ones:
        their sessions used still count (it showed 6 of 6 left after 2 were used)."""
        line = self.package_contract(self.create_package(sessions=6, price=6000.0)).package_line_ids
        self.redeem(line, quantity=2)
        action = self.partner.with_user(self.frontdesk).action_clinic_checkout()
        checkout = self.env["clinic.checkout"].with_user(self.frontdesk).with_context(**action["context"])
        fields_spec = {"sessions_remaining": {}, "sessions_used": {}, "amount_remaining": {}}
        result = checkout.onchange({}, [], {"partner_id": {}, "package_line_ids": {"fields": fields_spec}})
        shown = {}
        for command in result["value"]["package_line_ids"]:
            shown.update(command[2])
        self.assertEqual(
            (shown["sessions_remaining"], shown["sessions_used"], shown["amount_remaining"]),
            (4, 2, line.amount_remaining),
        )
        self.assertEqual((line.sessions_remaining, line.amount_remaining), (4, 4000.0))

    def test_amounts_in_refusals_are_money(self):
        contract = self.active_contract(principal=300.0, bonus=0.0)
        wizard = self.checkout(lines=((None, 1),))
        wizard.stored_value_amount = 5000.0
        with self.assertRaisesRegex(ValidationError, r"5,000\.00"):
            wizard.action_confirm()
        invoice = self.create_invoice(1000.0)
        with self.assertRaisesRegex(UserError, r"300\.00"):
            contract._consume_stored_value(800.0, invoice)

    def test_bad_checkouts_leave_nothing_half_written(self):
        self.active_contract(principal=3000.0, bonus=0.0)
        other = self.env["res.partner"].create({"name": "Another member"})
        other.action_enrol_member()
        foreign = self.active_contract(partner=other, principal=1000.0, bonus=0.0)
        before = self.counts()
        cases = [
            ({"lines": ()}, "Add the treatments"),
            ({"lines": ((None, -1),)}, "must be positive"),
            ({"stored_value_amount": 5000.0}, "more than the total"),
            ({"points_to_redeem": 100}, "cannot be taken"),
            ({"points_to_redeem": 999999}, "more than the total"),
        ]
        for values, message in cases:
            with self.subTest(values=values), self.assertRaisesRegex(UserError, message):
                self.checkout(**values).action_confirm()
        with self.assertRaisesRegex(UserError, "a number is expected"):
            self.env["clinic.checkout.line"].with_user(self.frontdesk).create(
                {"checkout_id": self.checkout().id, "product_id": self.product.id, "price_unit": "free"}
            )
        with self.assertRaisesRegex(UserError, "is not for"):
            self.checkout(contract_id=foreign).action_confirm()
        self.assertEqual(self.counts(), before)
        with self.assertRaisesRegex(UserError, "not a member"):
            self.env["res.partner"].create({"name": "Walk-in"}).action_clinic_checkout()

    def test_pay_from_stored_value_is_offered_only_with_value_to_pay(self):
        invoice = self.create_invoice(100.0)
        self.assertFalse(invoice.clinic_can_pay_from_stored_value, "no contract")
        contract = self.active_contract(principal=100.0, bonus=0.0)
        invoice.invalidate_recordset(["clinic_can_pay_from_stored_value"])
        self.assertTrue(invoice.clinic_can_pay_from_stored_value)
        self.pay(self.create_invoice(100.0), contract=contract)
        invoice.invalidate_recordset(["clinic_can_pay_from_stored_value"])
        self.assertFalse(invoice.clinic_can_pay_from_stored_value, "the contract is empty")

    def test_nobody_else_checks_out(self):
        employee = new_test_user(self.env, "co_employee", groups="base.group_user")
        with self.assertRaises(UserError):
            self.env["clinic.checkout"].with_user(employee).create({"partner_id": self.partner.id})

    def test_the_printed_invoice_says_amounts_with_tax_and_what_paid_them(self):
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 13% incl.",
                "amount": 13.0,
                "amount_type": "percent",
                "price_include_override": "tax_included",
            }
        )
        self.product.write({"taxes_id": [(6, 0, tax.ids)], "list_price": 2660.0})
        self.partner._clinic_set_tier(self.env.ref("clinic_membership.tier_regular"), "manual")
        self.active_contract(principal=1000.0, bonus=0.0)
        self.env["clinic.points.move"]._clinic_record(
            [{"partner_id": self.partner.id, "move_type": "earn", "points": 6000, "source_ref": "test"}]
        )
        wizard = self.checkout(points_to_redeem=6000)  # 60.00 of points
        self.assertEqual(wizard.journal_id, self.cash_journal)
        wizard.journal_id = False  # 1,600.00 stays to pay
        invoice = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        html, _type = self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", invoice.ids)
        html = html.decode()
        self.assertIn("2,660.00", html, "the treatment's line at its price with tax")
        self.assertNotIn("2,353.98", html)
        self.assertEqual(
            invoice._clinic_payment_breakdown(),
            [("Points", 60.0), ("Stored value", 1000.0), ("Still to pay", 1600.0)],
        )
        self.assertIn("o_clinic_paid_with", html)
        action = invoice.with_user(self.frontdesk).action_clinic_print_invoice()
        self.assertEqual(
            (action["type"], action["report_name"]), ("ir.actions.report", "account.report_invoice_with_payments")
        )
        self.assertIn("1,600.00", html)
