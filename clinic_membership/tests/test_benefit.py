"""Tier benefits as rules: quotas per calendar period, used when an invoice posts, given back by a
credit note or a reset, refused beyond the quota; the ledger as a hostile user tries it."""

from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestBenefit(ClinicMembershipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.consultation = Product.create(
            {"name": "Consultation", "type": "service", "list_price": 500, "taxes_id": [Command.clear()]}
        )
        cls.skin_test = Product.create(
            {"name": "Skin test", "type": "service", "list_price": 380, "taxes_id": [Command.clear()]}
        )
        Benefit = cls.env["clinic.membership.benefit"].with_user(cls.manager)
        cls.gold_consultation = Benefit.create(
            {"tier_id": cls.tier_gold.id, "name": "Free consultation", "product_id": cls.consultation.id, "quantity": 4}
        )
        Benefit.create(
            [
                {
                    "tier_id": cls.tier_diamond.id,
                    "name": "Free consultation",
                    "product_id": cls.consultation.id,
                    "quantity": 12,
                },
                {"tier_id": cls.tier_diamond.id, "name": "Free skin test", "product_id": cls.skin_test.id},
            ]
        )
        cls.member = cls.create_member("权益会员", email="benefit.member@example.com")
        cls.member._clinic_set_tier(cls.tier_gold, "manual")
        cls.other = cls.create_member("其他会员", email="benefit.other@example.com")
        cls.other._clinic_set_tier(cls.tier_gold, "manual")
        cls.portal = new_test_user(cls.env, "benefit_portal", groups="base.group_portal", partner_id=cls.member.id)

    def free_invoice(self, member, quantity=1, product=None, post=True):
        """An invoice giving ``quantity`` of the benefit free, as the checkout makes it (front desk)."""
        invoice = (
            self.env["account.move"]
            .with_user(self.frontdesk)
            .create({"move_type": "out_invoice", "partner_id": member.id, "journal_id": self.journal.id})
        )
        invoice._clinic_add_benefit_line(product or self.consultation, quantity)
        if post:
            invoice.action_post()
        return invoice

    def left(self, member, product=None):
        product = product or self.consultation
        return next(b for b in member._clinic_benefit_balances() if b["benefit"].product_id == product)

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """Like unittest's, inside Odoo's savepoint: the refused operation is rolled back, as in production."""
        with self.assertRaises(expected_exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), expected_regex)

    def rows(self):
        return self.env["clinic.benefit.move"].search_read([], ["partner_id", "quantity", "kind"], order="id")

    # ------------------------------------------------------------------ quota

    def test_a_gold_member_has_four_consultations_a_year(self):
        for _i in range(4):
            invoice = self.free_invoice(self.member)
        line = invoice.invoice_line_ids
        self.assertEqual((line.price_unit, line.clinic_benefit_id), (0.0, self.gold_consultation))
        self.assertEqual(line.name, "Free consultation (Gold benefit)")
        self.assertEqual(invoice.amount_total, 0.0)
        balance = self.left(self.member)
        self.assertEqual((balance["quantity"], balance["used"], balance["left"]), (4, 4, 0))
        self.assertEqual(self.left(self.other)["left"], 4, "another member's quota is her own")
        with self.assertRaisesRegex(UserError, "0 of Free consultation left"):
            self.free_invoice(self.member)
        self.assertIn("Free consultation", self.member.clinic_benefit_html)

    def test_an_upgrade_mid_year_keeps_what_was_used(self):
        self.free_invoice(self.member, 3)
        self.member.with_user(self.manager).write({"tier_id": self.tier_diamond.id})
        balance = self.left(self.member)
        self.assertEqual((balance["quantity"], balance["used"], balance["left"]), (12, 3, 9))
        self.assertEqual(self.left(self.member, self.skin_test)["left"], 1)
        self.free_invoice(self.member, 2)
        self.member.with_user(self.manager).write({"tier_id": self.tier_gold.id})
        self.assertEqual(self.left(self.member)["left"], 0, "a downgrade leaves none, never less")
        with self.assertRaises(UserError):
            self.free_invoice(self.member)

    def test_a_credit_note_or_a_reset_gives_the_use_back(self):
        invoice = self.free_invoice(self.member, 2)
        self.assertEqual(self.left(self.member)["left"], 2)
        self.assertFalse(invoice.copy().invoice_line_ids, "a duplicate gives no benefit of its own")
        credit_note = self.credit_note(invoice)
        self.assertEqual(credit_note.invoice_line_ids.clinic_benefit_id, self.gold_consultation)
        self.assertEqual(self.left(self.member)["left"], 4)
        reversal = self.env["clinic.benefit.move"].search([("move_id", "=", credit_note.id)])
        self.assertEqual((reversal.kind, reversal.quantity, reversal.date), ("reversal", -2, invoice.invoice_date))
        credit_note.button_draft()
        self.assertEqual(self.left(self.member)["left"], 2, "the credit note reset takes its give-back back")
        invoice.button_draft()
        self.assertEqual(self.left(self.member)["left"], 4)
        invoice.action_post()
        invoice.button_cancel()
        self.assertEqual(self.left(self.member)["left"], 4)
        self.assertEqual(
            [row["quantity"] for row in self.rows() if row["partner_id"][0] == self.member.id],
            [2, -2, 2, -2, 2, -2],
        )

    def test_a_use_beyond_the_quota_is_refused_when_posting(self):
        self.free_invoice(self.member, 3)
        first = self.free_invoice(self.member, post=False)
        second = self.free_invoice(self.member, post=False)  # two desks saw the last one left
        first.action_post()
        before = self.rows()
        with self.assertRaisesRegex(UserError, "0 of Free consultation left"):
            second.action_post()
        self.assertEqual(self.rows(), before)
        second.invalidate_recordset()
        self.assertEqual(second.state, "draft")

    # ------------------------------------------------------------------ hostile

    def test_nobody_records_a_benefit_but_the_invoice_flow(self):
        invoice = self.free_invoice(self.member)
        row = self.env["clinic.benefit.move"].search([("move_id", "=", invoice.id)])
        paid = self.create_invoice(self.other, 500, post=False)
        Rows = self.env["clinic.benefit.move"]
        vals = {
            "partner_id": self.member.id,
            "benefit_id": self.gold_consultation.id,
            "product_id": self.consultation.id,
            "quantity": -4,
            "kind": "reversal",
            "date": invoice.invoice_date,
            "company_id": self.company.id,
        }
        before = (self.rows(), self.left(self.member)["left"])
        for user in (self.frontdesk, self.manager, self.portal):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                Rows.with_user(user).create(vals)
            with self.subTest(user=user.login), self.assertRaises(UserError):
                row.with_user(user).write({"quantity": -1})
            with self.subTest(user=user.login), self.assertRaises(UserError):
                row.with_user(user).unlink()
        with self.assertRaises(AccessError):
            paid.invoice_line_ids.with_user(self.frontdesk).write({"clinic_benefit_id": self.gold_consultation.id})
        with self.assertRaises(AccessError):
            paid.with_user(self.frontdesk).write(
                {
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.consultation.id,
                                "price_unit": 0,
                                "clinic_benefit_id": row.benefit_id.id,
                            }
                        )
                    ]
                }
            )
        self.assertEqual((self.rows(), self.left(self.member)["left"]), before)
        self.assertFalse(paid.invoice_line_ids.clinic_benefit_id)

    def test_a_benefit_line_is_its_service_given_free(self):
        invoice = self.free_invoice(self.member, post=False)
        invoice.invoice_line_ids.with_user(self.frontdesk).write({"product_id": self.treatment.id})
        with self.assertRaisesRegex(UserError, "must be that benefit's service"):
            invoice.with_user(self.frontdesk).action_post()
        invoice.invoice_line_ids.with_user(self.frontdesk).write({"product_id": self.consultation.id, "price_unit": 80})
        with self.assertRaisesRegex(UserError, "free"):
            invoice.with_user(self.frontdesk).action_post()
        self.assertEqual(self.left(self.member)["left"], 4)

    def test_a_portal_member_reads_her_own_rows_only(self):
        self.free_invoice(self.member)
        self.free_invoice(self.other)
        rows = self.env["clinic.benefit.move"].with_user(self.portal).search([])
        self.assertEqual(rows.partner_id, self.member)
        other_row = self.env["clinic.benefit.move"].search([("partner_id", "=", self.other.id)])
        with self.assertRaises(AccessError):
            other_row.with_user(self.portal).read(["quantity"])
        balances = self.member.with_user(self.portal)._clinic_benefit_balances()
        self.assertIn((self.consultation.id, 3), [(b["benefit"].product_id.id, b["left"]) for b in balances])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("clinic_membership.action_report_member_card", self.member.ids)[0]
            .decode()
        )
        self.assertIn("Free consultation", html)

    # ------------------------------------------------------------------ definition

    def test_bad_benefit_definitions_are_refused(self):
        Benefit = self.env["clinic.membership.benefit"].with_user(self.manager)
        consumable = self.env["product.product"].create({"name": "Cream", "type": "consu"})
        base = {"tier_id": self.tier_silver.id, "name": "Bad", "product_id": self.skin_test.id}
        for bad in ({"quantity": 0}, {"quantity": -1}, {"quantity": 1.5}, {"product_id": consumable.id}):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                Benefit.create({**base, **bad})
        with self.assertRaises(ValidationError):
            Benefit.create({**base, "tier_id": self.tier_gold.id, "product_id": self.consultation.id})
        with self.assertRaises(AccessError):
            Benefit.with_user(self.frontdesk).create(base)
        with self.assertRaises(AccessError):
            self.gold_consultation.with_user(self.frontdesk).write({"quantity": 99})
        self.assertFalse(Benefit.search([("tier_id", "=", self.tier_silver.id), ("name", "=", "Bad")]))
        self.assertEqual(self.gold_consultation.quantity, 4)


@tagged("post_install", "-at_install")
class TestBenefitCompany(ClinicMembershipCase):
    def test_a_benefit_never_moves_its_tier_to_another_company(self):
        other = self.env["res.company"].create({"name": "另一家诊所"})
        self.manager.company_ids = [Command.link(other.id)]
        benefit = self.env["clinic.membership.benefit"].create(
            {"tier_id": self.tier_gold.id, "name": "免费面诊", "product_id": self.treatment.id, "quantity": 2}
        )
        with self.assertRaises(UserError):
            benefit.with_user(self.manager).write({"company_id": other.id})
        self.assertEqual(self.tier_gold.company_id, self.company)
