from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestPointsLedger(ClinicMembershipCase):
    def earn_lot(self, member, points, earned_on, expires_on):
        return self.env["clinic.points.move"]._clinic_record(
            [
                {
                    "partner_id": member.id,
                    "move_type": "earn",
                    "points": points,
                    "date": earned_on,
                    "expiry_date": expires_on,
                }
            ]
        )

    def test_earn_on_posting_at_tier_rate(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 1234.56)
        earn = invoice.clinic_points_move_ids
        self.assertEqual(earn.move_type, "earn")
        self.assertEqual(earn.points, 1234)  # Regular: 1 point per unit, rounded down
        self.assertEqual(earn.source_ref, invoice.name)
        self.assertEqual(
            earn.expiry_date, earn.date + timedelta(days=0).__class__(days=0) + (earn.expiry_date - earn.date)
        )
        self.assertEqual((earn.expiry_date.year - earn.date.year) * 12 + earn.expiry_date.month - earn.date.month, 24)
        self.assertBalanceIsLedger(member, 1234)

    def test_earn_uses_untaxed_company_currency_amount(self):
        member = self.create_member()
        member._clinic_set_tier(self.tier_gold, "upgrade")
        tax = self.env["account.tax"].search(
            [
                ("type_tax_use", "=", "sale"),
                ("company_id", "=", self.company.id),
                ("amount_type", "=", "percent"),
                ("amount", ">", 0),
            ],
            limit=1,
        )
        price = 1000 * (1 + tax.amount / 100) if tax.price_include else 1000  # Chinese prices include VAT
        invoice = self.create_invoice(member, price, taxes=tax)
        self.assertEqual(invoice.amount_untaxed, 1000)
        self.assertGreater(invoice.amount_total, 1000)
        self.assertEqual(invoice.clinic_points_earned, 1500)  # 1,000 untaxed x 1.5

    def test_non_member_earns_nothing(self):
        partner = self.env["res.partner"].create({"name": "Walk-in"})
        invoice = self.create_invoice(partner, 5000)
        self.assertFalse(invoice.clinic_points_move_ids)

    def test_reset_to_draft_claws_back_and_reposting_never_earns_twice(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 800)
        invoice.button_draft()
        self.assertBalanceIsLedger(member, 0)
        self.assertEqual(invoice.clinic_points_move_ids.sorted("id").mapped("move_type"), ["earn", "reversal"])
        invoice.action_post()
        self.assertBalanceIsLedger(member, 800)
        invoice._clinic_sync_points()  # a second sync of a posted invoice changes nothing
        self.assertBalanceIsLedger(member, 800)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertBalanceIsLedger(member, 0)

    def test_full_credit_note_claws_back_exactly(self):
        member = self.create_member()
        member._clinic_set_tier(self.tier_silver, "upgrade")
        invoice = self.create_invoice(member, 999)
        self.assertEqual(invoice.clinic_points_earned, 1198)  # 999 x 1.2 = 1198.8
        refund = self.credit_note(invoice)
        self.assertEqual(refund.clinic_points_earned, -1198)
        self.assertEqual(refund.clinic_points_move_ids.reversed_move_id, invoice.clinic_points_move_ids)
        self.assertBalanceIsLedger(member, 0)

    def test_partial_credit_notes_claw_back_in_proportion_and_never_more(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 1000)
        first = self.credit_note(invoice, amount=300)
        self.assertEqual(first.clinic_points_earned, -300)
        second = self.credit_note(invoice, amount=900)  # more than what is left
        self.assertEqual(second.clinic_points_earned, -700)
        self.assertBalanceIsLedger(member, 0)

    def test_claw_back_of_spent_points_is_a_debt_the_next_earnings_settle(self):
        """A credit note takes back what its invoice earned even once it is spent: the member owes it,
        redeems nothing meanwhile, and her next lot pays the debt before anything of it can expire."""
        member = self.create_member()
        invoice = self.create_invoice(member, 1000)
        Points = self.env["clinic.points.move"]
        Points._clinic_record([{"partner_id": member.id, "move_type": "redeem", "points": -800, "source_ref": "gift"}])
        self.credit_note(invoice)
        self.assertBalanceIsLedger(member, -800)
        with self.assertRaisesRegex(ValidationError, "has -800 points"):
            Points._clinic_record([{"partner_id": member.id, "move_type": "redeem", "points": -1}])
        lot = self.earn_lot(member, 1000, date.today(), date.today() + timedelta(days=30))
        self.assertBalanceIsLedger(member, 200)
        self.assertEqual(lot.remaining_points, 200, "the debt is paid from the new lot first")
        with freeze_time(date.today() + timedelta(days=31)):
            Points._cron_expire_points()
        self.assertBalanceIsLedger(member, 0)  # only what was left of the lot expired, never the debt twice

    def test_ledger_rows_are_immutable_even_for_the_superuser(self):
        member = self.create_member()
        row = self.create_invoice(member, 100).clinic_points_move_ids
        for env in (self.env, self.env(su=True), self.env(user=self.manager)):
            with self.assertRaises(UserError):
                row.with_env(env).write({"points": 1000})
            with self.assertRaises(UserError):
                row.with_env(env).unlink()
        self.assertEqual(row.points, 100)

    def test_zero_negative_and_fractional_points_refused(self):
        member = self.create_member()
        Points = self.env["clinic.points.move"]
        cases = [
            {"move_type": "earn", "points": 0},
            {"move_type": "earn", "points": -5},
            {"move_type": "redeem", "points": 5},
            {"move_type": "expire", "points": 5},
            {"move_type": "earn", "points": 1.5},
        ]
        for vals in cases:
            with self.assertRaises(ValidationError):
                Points._clinic_record([{"partner_id": member.id, **vals}])
        with self.assertRaisesRegex(ValidationError, "needs a member and a type"):
            Points._clinic_record([{"move_type": "earn", "points": 5}])
        with self.assertRaisesRegex(ValidationError, "not one of the allowed values"):
            Points._clinic_record([{"partner_id": member.id, "move_type": "bonus", "points": 5}])
        self.assertFalse(Points.search([("partner_id", "=", member.id)]))

    def test_points_only_for_members(self):
        partner = self.env["res.partner"].create({"name": "Not a member"})
        with self.assertRaisesRegex(ValidationError, "not a member"):
            self.env["clinic.points.move"]._clinic_record(
                [{"partner_id": partner.id, "move_type": "earn", "points": 10}]
            )

    def test_adjustment_needs_manager_and_reason(self):
        member = self.create_member()
        wizard = self.env["clinic.points.adjust"].with_user(self.frontdesk)
        with self.assertRaises(AccessError):
            wizard.create({"partner_id": member.id, "points": 50, "reason": "gift"}).action_adjust()
        with self.assertRaisesRegex(ValidationError, "reason"):
            self.env["clinic.points.move"].with_user(self.manager)._clinic_record(
                [{"partner_id": member.id, "move_type": "adjust", "points": 50, "reason": "  "}]
            )
        form = Form(self.env["clinic.points.adjust"].with_user(self.manager).with_context(default_partner_id=member.id))
        form.points = 50
        form.reason = "Compensation for a late appointment"
        form.save().action_adjust()
        self.assertBalanceIsLedger(member, 50)
        adjust = member.points_move_ids
        self.assertEqual((adjust.move_type, adjust.user_id), ("adjust", self.manager))
        with self.assertRaisesRegex(ValidationError, "cannot be taken"):
            self.env["clinic.points.adjust"].with_user(self.manager).create(
                {"partner_id": member.id, "points": -51, "reason": "too much"}
            ).action_adjust()
        self.assertBalanceIsLedger(member, 50)

    def test_redeem_more_than_the_balance_refused(self):
        member = self.create_member()
        self.create_invoice(member, 500)
        gift = self.env["product.product"].create({"name": "Mask", "clinic_points_cost": 300})
        wizard = (
            self.env["clinic.points.redeem"]
            .with_user(self.frontdesk)
            .create({"partner_id": member.id, "redeem_for": "gift", "product_id": gift.id, "quantity": 2})
        )
        self.assertEqual(wizard.points, 600)
        with self.assertRaisesRegex(ValidationError, "has 500 points"):
            wizard.action_redeem()
        self.assertBalanceIsLedger(member, 500)
        wizard.quantity = 1
        wizard.action_redeem()
        self.assertBalanceIsLedger(member, 200)
        redeem = member.points_move_ids.filtered(lambda m: m.move_type == "redeem")
        self.assertEqual((redeem.points, redeem.product_id), (-300, gift))

    def test_redeem_as_invoice_discount_and_cancel_gives_points_back(self):
        member = self.create_member()
        self.create_invoice(member, 5000)
        draft = self.create_invoice(member, 2000, post=False)
        self.env["clinic.points.redeem"].with_user(self.frontdesk).create(
            {"partner_id": member.id, "redeem_for": "invoice", "invoice_id": draft.id, "points": 3000}
        ).action_redeem()
        discount = draft.invoice_line_ids.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(discount.price_subtotal, -30.0)  # 3,000 points x 0.01
        self.assertEqual(draft.amount_total, 1970)
        self.assertEqual(draft.clinic_points_redeemed, 3000)
        self.assertBalanceIsLedger(member, 2000)
        draft.button_cancel()
        self.assertBalanceIsLedger(member, 5000)
        self.assertEqual(draft.clinic_points_redeemed, 0)

    def test_redeem_on_posted_or_foreign_currency_invoice_refused(self):
        member = self.create_member()
        posted = self.create_invoice(member, 5000)
        with self.assertRaisesRegex(UserError, "draft customer invoice"):
            posted._clinic_add_points_discount(member, 100)
        other_currency = self.env.ref("base.EUR" if self.currency.name != "EUR" else "base.USD")
        other_currency.active = True
        draft = self.create_invoice(member, 100, post=False)
        draft.currency_id = other_currency
        with self.assertRaisesRegex(ValidationError, "company currency"):
            draft._clinic_add_points_discount(member, 100)
        self.assertBalanceIsLedger(member, 5000)
        self.assertEqual(len(draft.invoice_line_ids), 1)

    def test_redeem_more_than_invoice_total_refused(self):
        member = self.create_member()
        self.create_invoice(member, 50000)
        draft = self.create_invoice(member, 100, post=False)
        with self.assertRaisesRegex(ValidationError, "more than the invoice total"):
            draft._clinic_add_points_discount(member, 20000)  # 200.00 > 100.00

    def test_deleting_a_draft_invoice_gives_points_back(self):
        member = self.create_member()
        self.create_invoice(member, 1000)
        draft = self.create_invoice(member, 100, post=False)
        draft._clinic_add_points_discount(member, 500)
        self.assertBalanceIsLedger(member, 500)
        draft.unlink()
        self.assertBalanceIsLedger(member, 1000)

    def test_fifo_expiry_by_lot(self):
        member = self.create_member()
        Points = self.env["clinic.points.move"]
        old = self.earn_lot(member, 100, date(2024, 1, 10), date(2025, 1, 10))
        new = self.earn_lot(member, 70, date(2024, 6, 1), date(2026, 6, 1))
        with freeze_time("2024-12-01"):
            Points._clinic_record(
                [{"partner_id": member.id, "move_type": "redeem", "points": -130, "source_ref": "gift"}]
            )
        # the redemption used the lot that expires first, then the next
        self.assertEqual((old.remaining_points, new.remaining_points), (0, 40))
        with freeze_time("2026-06-02"):
            Points._cron_expire_points()
            Points._cron_expire_points()  # idempotent
        expired = member.points_move_ids.filtered(lambda m: m.move_type == "expire")
        self.assertEqual(expired.mapped("points"), [-40])
        self.assertEqual(expired.lot_id, new)
        self.assertBalanceIsLedger(member, 0)

    def test_expiry_takes_only_what_is_left_of_each_lot(self):
        member = self.create_member()
        Points = self.env["clinic.points.move"]
        first = self.earn_lot(member, 100, date(2024, 1, 1), date(2024, 12, 31))
        self.earn_lot(member, 50, date(2024, 3, 1), date(2025, 2, 28))
        with freeze_time("2024-06-01"):
            Points._clinic_record([{"partner_id": member.id, "move_type": "redeem", "points": -30}])
        with freeze_time("2025-01-15"):
            Points._cron_expire_points()
        self.assertBalanceIsLedger(member, 50)
        self.assertEqual(first.remaining_points, 0)
        with freeze_time("2025-03-01"):
            Points._cron_expire_points()
        self.assertBalanceIsLedger(member, 0)

    def test_expiry_warning_mails_once(self):
        member = self.create_member()
        self.earn_lot(member, 100, date(2024, 1, 1), date(2025, 1, 20))
        self.company.clinic_points_warning_days = 30
        mails = self.env["mail.mail"].search([])
        with freeze_time("2025-01-01"):
            self.env["clinic.points.move"]._cron_warn_expiry()
            self.env["clinic.points.move"]._cron_warn_expiry()
        new_mails = (self.env["mail.mail"].search([]) - mails).filtered(lambda m: "expire" in (m.subject or ""))
        self.assertEqual(len(new_mails), 1)
        self.assertIn("100", new_mails.body_html)
        self.assertIn(member.email, new_mails.email_to)
        self.assertEqual(member.points_expiry_warned_until, date(2025, 1, 20))

    def test_campaign_multiplier_hook(self):
        member = self.create_member()
        campaign = self.env["utm.campaign"].create({"name": "Double points day"})
        with patch.object(
            type(self.env["clinic.points.move"]),
            "_get_earn_multipliers",
            side_effect=lambda requests: [(2.0, campaign)] * len(requests),
        ):
            invoice = self.create_invoice(member, 100)
        self.assertEqual(invoice.clinic_points_move_ids.points, 200)
        self.assertEqual(invoice.clinic_points_move_ids.campaign_id, campaign)
        refund = self.credit_note(invoice)
        self.assertEqual(refund.clinic_points_move_ids.campaign_id, campaign, "the claw-back names the campaign too")

    def test_balance_is_the_ledger_sum_after_a_mixed_history(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 2000)
        self.create_invoice(member, 500)
        draft = self.create_invoice(member, 300, post=False)
        draft._clinic_add_points_discount(member, 1000)
        draft.action_post()
        self.credit_note(invoice, amount=1000)
        # 2000 + 500 - 1000 (redeemed) + 290 (earned on 300 - 10 discount) - 1000 (half of the first invoice)
        self.assertBalanceIsLedger(member, 790)

    def test_portal_member_sees_only_own_points(self):
        member = self.create_member("Portal member", email="portal.member@example.com")
        other = self.create_member("Other member")
        self.create_invoice(member, 100)
        self.create_invoice(other, 200)
        portal_user = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "portal_member_test",
                "partner_id": member.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        visible = self.env["clinic.points.move"].with_user(portal_user).search([])
        self.assertEqual(visible.partner_id, member)
