from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestTierEvaluation(ClinicMembershipCase):
    def test_upgrade_at_once_when_posted(self):
        member = self.create_member()
        self.create_invoice(member, 9000)
        self.assertEqual(member.tier_id, self.tier_regular)
        self.create_invoice(member, 1000)
        self.assertEqual(member.tier_id, self.tier_silver)
        self.assertEqual(member.qualifying_spend, 10000)
        self.assertEqual(member.property_product_pricelist, self.tier_silver.pricelist_id)
        change = self.last_change(member)
        self.assertEqual(
            (change.reason, change.old_tier_id, change.new_tier_id), ("upgrade", self.tier_regular, self.tier_silver)
        )
        self.flush_tracking()
        message = member.message_ids.filtered("tracking_value_ids")[0]
        self.assertIn("Upgrade", message.body)
        self.assertEqual(message.tracking_value_ids.field_id.name, "tier_id")

    def test_upgrade_mail_is_queued(self):
        member = self.create_member(email="vip@example.com")
        mails = self.env["mail.mail"].search([])
        self.create_invoice(member, 60000)
        new_mail = self.env["mail.mail"].search([]) - mails
        self.assertEqual(len(new_mail), 1)
        self.assertIn(member.member_number, new_mail.body_html)
        self.company.clinic_upgrade_mail = False
        self.create_invoice(member, 200000)
        self.assertEqual(member.tier_id, self.tier_diamond)
        self.assertEqual(len(self.env["mail.mail"].search([]) - mails), 1)

    def test_points_of_the_invoice_use_the_tier_before_the_upgrade(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 10000)
        self.assertEqual(invoice.clinic_points_earned, 10000)  # Regular rate, then upgraded to Silver
        self.assertEqual(member.tier_id, self.tier_silver)
        self.assertEqual(self.create_invoice(member, 1000).clinic_points_earned, 1200)

    def test_upgrade_when_paid(self):
        self.company.clinic_upgrade_trigger = "paid"
        member = self.create_member()
        invoice = self.create_invoice(member, 12000)
        self.assertEqual(member.tier_id, self.tier_regular)
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": bank.id}
        ).action_create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(member.tier_id, self.tier_silver)

    def test_credit_note_lowers_spend_but_downgrade_waits_for_the_evaluation(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 12000)
        self.assertEqual(member.tier_id, self.tier_silver)
        self.credit_note(invoice, amount=5000)
        self.assertEqual(member.tier_id, self.tier_silver)
        changes = self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.assertGreaterEqual(changes, 1)
        self.assertEqual(member.qualifying_spend, 7000)
        self.assertEqual(member.tier_id, self.tier_regular)
        self.assertEqual(self.last_change(member).reason, "downgrade")
        self.assertEqual(member.property_product_pricelist, self.tier_regular.pricelist_id)

    def test_manager_lock_holds_the_tier(self):
        member = self.create_member()
        member.write({"tier_id": self.tier_gold.id, "tier_locked_until": date(2030, 12, 31)})
        with freeze_time("2030-06-01"):
            self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.assertEqual(member.tier_id, self.tier_gold)
        with freeze_time("2031-01-01"):
            self.env["clinic.membership.tier"]._cron_evaluate_tiers()
        self.assertEqual(member.tier_id, self.tier_regular)

    def test_more_credit_notes_than_invoices_keeps_the_entry_tier(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 3000, date=date(2020, 1, 1))
        self.company.clinic_spend_window = "calendar_year"
        self.credit_note(invoice)  # dated this year, the invoice is not
        self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.assertLess(member.qualifying_spend, 0)
        self.assertEqual(member.tier_id, self.tier_regular)

    def test_only_managers_lock_tiers(self):
        member = self.create_member()
        with self.assertRaises(AccessError):
            member.with_user(self.frontdesk).tier_locked_until = date(2030, 1, 1)
        member.with_user(self.manager).tier_locked_until = date(2030, 1, 1)
        self.assertEqual(member.tier_locked_until, date(2030, 1, 1))

    def test_lock_never_blocks_an_upgrade(self):
        member = self.create_member()
        member.tier_locked_until = date(2099, 1, 1)
        self.create_invoice(member, 60000)
        self.assertEqual(member.tier_id, self.tier_gold)

    def test_spend_windows(self):
        member = self.create_member()
        self.create_invoice(member, 30000, date=date(2023, 3, 1))
        self.create_invoice(member, 15000, date=date(2024, 9, 1))
        self.create_invoice(member, 8000, date=date(2025, 2, 1))
        expected = {"lifetime": 53000, "rolling_12": 23000, "calendar_year": 8000}
        for window, spend in expected.items():
            self.company.clinic_spend_window = window
            with freeze_time("2025-06-30"):
                self.env["clinic.membership.tier"]._evaluate_members(self.company)
            self.assertEqual(member.qualifying_spend, spend, window)
        self.assertEqual(member.tier_id, self.tier_regular)

    def test_spend_counts_the_commercial_partner_only_in_its_company(self):
        member = self.create_member()
        self.env["res.partner"].create({"name": "Invoice address", "parent_id": member.id, "type": "invoice"})
        address = member.child_ids
        self.create_invoice(address, 11000)
        self.assertEqual(member.tier_id, self.tier_silver)
        other = self.env["res.company"].create({"name": "Clinic Beijing", "currency_id": self.currency.id})
        self.env["clinic.membership.tier"].create({"name": "Entry", "company_id": other.id, "min_spend": 0})
        self.env["clinic.membership.tier"]._evaluate_members(other)
        self.assertEqual(member.qualifying_spend, 11000)

    def _count_queries(self, func):
        before = self.cr.sql_log_count
        func()
        return self.cr.sql_log_count - before

    def test_periodic_evaluation_is_set_based(self):
        Partner = self.env["res.partner"]
        members = Partner.create([{"name": f"Member {i}"} for i in range(40)])
        members[:20].action_enrol_member()
        for member in members[:5]:
            self.create_invoice(member, 20000)
        self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.env.invalidate_all()
        queries_20 = self._count_queries(lambda: self.env["clinic.membership.tier"]._evaluate_members(self.company))
        members[20:].action_enrol_member()
        self.env.invalidate_all()
        queries_40 = self._count_queries(lambda: self.env["clinic.membership.tier"]._evaluate_members(self.company))
        self.assertEqual(queries_20, queries_40, "the evaluation must not query per member")
        self.assertLessEqual(queries_40, 10)
        # five members moving up are written together, as one group
        self.tier_gold.min_spend = 15000
        changes = self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.assertGreaterEqual(changes, 5)  # demo members may move too
        self.assertEqual(set(members[:5].mapped("tier_id")), {self.tier_gold})
        self.assertEqual(set(members[5:].mapped("tier_id")), {self.tier_regular})

    def test_evaluation_runs_twice_without_changes(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 12000)
        self.credit_note(invoice)
        first = self.env["clinic.membership.tier"]._evaluate_members(self.company)
        second = self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.assertEqual((first >= 1, second), (True, 0))
        self.assertEqual(len(member.tier_change_ids.filtered(lambda c: c.reason == "downgrade")), 1)

    def test_multi_company_members_are_evaluated_separately(self):
        other = self.env["res.company"].create({"name": "Clinic Shenzhen", "currency_id": self.currency.id})
        entry, vip = self.env["clinic.membership.tier"].create(
            [
                {"name": "Entry", "company_id": other.id, "min_spend": 0, "sequence": 1},
                {"name": "VIP", "company_id": other.id, "min_spend": 100, "sequence": 2},
            ]
        )
        shenzhen = self.env["res.partner"].create({"name": "深圳会员"})
        shenzhen.with_company(other).action_enrol_member()
        self.assertEqual(shenzhen.tier_id, entry)
        self.assertEqual(vip.company_id, other)
        # spend of the other company: raise the Shenzhen member's stored spend, evaluate each company
        self.env["clinic.membership.tier"]._evaluate_members(other)
        self.assertEqual(shenzhen.tier_id, entry)
        shanghai = self.create_member("上海会员")
        self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.assertEqual(shanghai.tier_id, self.tier_regular)
        self.assertEqual(shenzhen.tier_id, entry)


@tagged("post_install", "-at_install")
class TestSpendFollowsDocuments(ClinicMembershipCase):
    def test_spend_follows_credit_notes_resets_and_cancels(self):
        member = self.create_member()
        invoice = self.create_invoice(member, 12000)
        self.assertEqual((member.qualifying_spend, member.tier_id), (12000, self.tier_silver))
        self.create_invoice(member, 3000, move_type="out_refund")
        self.assertEqual(member.qualifying_spend, 9000, "a credit note takes its amount off at once")
        self.assertEqual(member.tier_id, self.tier_silver, "the tier waits for the periodic evaluation")
        invoice.button_draft()
        self.assertEqual(member.qualifying_spend, -3000)
        invoice.button_cancel()
        self.assertEqual(member.qualifying_spend, -3000)
        reversal = self.create_invoice(member, 5000)._reverse_moves(cancel=True)
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(member.qualifying_spend, -3000, "a reversed invoice counts for nothing")
        self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.assertEqual(member.tier_id, self.tier_regular, "never below the entry tier")

    def test_a_settled_evaluation_costs_the_same_queries_for_any_number_of_members(self):
        few = [self.create_member(f"少 {n}") for n in range(3)]
        for member in few:
            self.create_invoice(member, 100)
        Tier = self.env["clinic.membership.tier"]
        Tier._evaluate_members(self.company)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=4):  # the tiers, the statement, two flushes' lookups
            self.assertEqual(self.env["clinic.membership.tier"]._evaluate_members(self.company), 0)
        many = [self.create_member(f"多 {n}") for n in range(30)]
        for member in many:
            self.create_invoice(member, 100)
        self.env["clinic.membership.tier"]._evaluate_members(self.company)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=4):  # the tiers, the statement, two flushes' lookups
            self.assertEqual(self.env["clinic.membership.tier"]._evaluate_members(self.company), 0)
