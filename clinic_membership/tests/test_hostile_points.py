"""Points, tiers and member fields as a hostile user tries them: refused for every role, nothing moved."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ClinicMembershipCase

FORGED_CONTEXTS = [
    {},
    {"clinic_flow": True, "clinic_tier_reason": "upgrade"},
    {"default_points": 1000000, "default_move_type": "earn", "tracking_disable": True},
]
DERIVED_FIELDS = {
    "points_balance": 1000000,
    "qualifying_spend": 999999.0,
    "is_member": False,
    "member_number": "FORGED-1",
    "member_since": "2000-01-01",
    "member_left_date": "2000-01-01",
    "consent_email_date": "2000-01-01",
    "points_expiry_warned_until": "2099-01-01",
}


@tagged("post_install", "-at_install")
class TestHostilePoints(ClinicMembershipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff = "base.group_user,base.group_partner_manager,"
        cls.roles = {
            "front desk": cls.frontdesk,
            "manager": cls.manager,
            "accountant": new_test_user(
                cls.env, "hp_accountant", groups=staff + "clinic_membership.group_clinic_accountant"
            ),
            "director": new_test_user(cls.env, "hp_director", groups=staff + "clinic_membership.group_clinic_director"),
            "employee": new_test_user(cls.env, "hp_employee", groups="base.group_user"),
            "portal": new_test_user(cls.env, "hp_portal", groups="base.group_portal"),
        }
        cls.member = cls.create_member("攻击测试 Member")
        cls.create_invoice(cls.member, 2000)

    def state(self):
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env(su=True)
        members = env["res.partner"].search([("member_number", "!=", False)], order="id")
        return {
            "points": env["clinic.points.move"].search_read([], ["points", "move_type"], order="id"),
            "allocations": env["clinic.points.allocation"].search_count([]),
            "tier_changes": env["clinic.tier.change"].search_count([]),
            "members": [
                (m.id, m.is_member, m.member_number, m.tier_id.id, m.qualifying_spend, m.points_balance)
                for m in members
            ],
        }

    def assertRefusedAndNothingMoved(self, attack, records, roles=None):
        before = self.state()
        for role, user in self.roles.items():
            if roles and role not in roles:
                continue
            for context in FORGED_CONTEXTS:
                hostile = records.with_user(user).with_context(**context)
                with self.subTest(role=role, context=context), self.assertRaises(UserError):
                    attack(hostile)
        self.assertEqual(self.state(), before)

    def test_nobody_creates_edits_or_deletes_points(self):
        Points = self.env["clinic.points.move"]
        for move_type, points in (
            ("earn", 1000000),
            ("reversal", 500),
            ("reversal", -500),
            ("expire", -1),
            ("adjust", 9),
        ):
            vals = {"partner_id": self.member.id, "move_type": move_type, "points": points, "reason": "forged"}
            self.assertRefusedAndNothingMoved(lambda p, vals=vals: p.create(vals), Points)
        row = self.member.points_move_ids[:1]
        self.assertRefusedAndNothingMoved(lambda r: r.write({"points": 1000000}), row)
        self.assertRefusedAndNothingMoved(lambda r: r.unlink(), row)
        self.assertRefusedAndNothingMoved(lambda r: r.copy(), row)
        lot = self.env["clinic.points.allocation"]
        self.assertRefusedAndNothingMoved(lambda a: a.create({"lot_id": row.id, "move_id": row.id, "points": 1}), lot)

    def test_derived_member_fields_are_written_only_by_their_flows(self):
        for fname, value in DERIVED_FIELDS.items():
            self.assertRefusedAndNothingMoved(lambda p, f=fname, v=value: p.write({f: v}), self.member)
        not_managers = ("front desk", "accountant", "employee", "portal")
        diamond = {"tier_id": self.tier_diamond.id}
        self.assertRefusedAndNothingMoved(lambda p: p.write(diamond), self.member, roles=not_managers)
        Partners = self.env["res.partner"]
        for vals in (
            {"is_member": True},
            {"tier_id": self.tier_gold.id},
            {"member_number": "M-1"},
            {"points_balance": 5},
        ):
            self.assertRefusedAndNothingMoved(lambda p, vals=vals: p.create({"name": "Forged", **vals}), Partners)

    def test_a_context_key_is_no_tier_reason(self):
        before = self.state()
        with self.assertRaisesRegex(AccessError, "Clinic Manager"):
            self.member.with_user(self.frontdesk).with_context(clinic_tier_reason="upgrade").write(
                {"tier_id": self.tier_diamond.id}
            )
        self.assertEqual(self.state(), before)
        # a manager's change is an explicit, logged one, whatever the context says
        self.member.with_user(self.manager).with_context(clinic_tier_reason="upgrade").write(
            {"tier_id": self.tier_gold.id}
        )
        self.assertEqual(self.member.tier_id, self.tier_gold)
        self.assertEqual(
            (self.last_change(self.member).reason, self.last_change(self.member).user_id), ("manual", self.manager)
        )

    def test_context_defaults_make_no_half_member(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.frontdesk)
            .with_context(default_tier_id=self.tier_gold.id, default_is_member=True, default_member_number="X1")
            .create({"name": "Kanban quick create"})
        )
        self.assertEqual(
            (partner.tier_id, partner.is_member, partner.member_number),
            (self.env["clinic.membership.tier"], False, False),
        )

    def test_only_clinic_staff_enrol(self):
        partner = self.env["res.partner"].create({"name": "Walk-in"})
        with self.assertRaisesRegex(AccessError, "clinic staff"):
            partner.with_user(self.roles["employee"]).action_enrol_member()
        self.assertFalse(partner.is_member)
        partner.with_user(self.frontdesk).action_enrol_member()
        self.assertTrue(partner.is_member)

    def test_a_gift_costs_quantity_times_its_points_cost(self):
        gift = self.env["product.product"].create({"name": "Gift box", "clinic_points_cost": 500})
        wizard = (
            self.env["clinic.points.redeem"]
            .with_user(self.frontdesk)
            .create(
                {"partner_id": self.member.id, "redeem_for": "gift", "product_id": gift.id, "quantity": 2, "points": 1}
            )
        )
        wizard.write({"points": 1})  # what a client types does not make the gift cheaper
        wizard.action_redeem()
        redeemed = self.member.points_move_ids.filtered(lambda m: m.move_type == "redeem")
        self.assertEqual(redeemed.points, -1000)
        self.assertBalanceIsLedger(self.member, 1000)

    def test_a_points_discount_and_its_points_never_both_survive(self):
        draft = self.create_invoice(self.member, 300, post=False)
        draft._clinic_add_points_discount(self.member, 1000)
        self.assertBalanceIsLedger(self.member, 1000)
        draft.action_post()
        draft.button_cancel()
        self.assertFalse(
            draft.invoice_line_ids.filtered("clinic_points_redeem_id"), "the discount leaves with the points"
        )
        self.assertBalanceIsLedger(self.member, 2000)
        draft.button_draft()
        draft.action_post()
        self.assertEqual(draft.amount_total, 300.0, "reposted without the discount")
        draft.button_cancel()
        draft.button_draft()
        self.assertBalanceIsLedger(self.member, 2000 + 300 - 300)  # earned on reposting, clawed back on cancel

    def test_a_points_discount_line_is_worth_its_points_only(self):
        draft = self.create_invoice(self.member, 300, post=False)
        draft._clinic_add_points_discount(self.member, 1000)
        line = draft.invoice_line_ids.filtered("clinic_points_redeem_id")
        for user in (self.frontdesk, self.manager, self.env.ref("base.user_admin")):
            with self.assertRaisesRegex(UserError, "worth the points redeemed"):
                line.with_user(user).write({"price_unit": -290.0})
            with self.assertRaisesRegex(UserError, "worth the points redeemed"):
                draft.with_user(user).write({"invoice_line_ids": [Command.update(line.id, {"quantity": 29})]})
        product = self.company.clinic_points_discount_product_id
        forged = self.create_invoice(self.member, 300, post=False)
        forged.write(
            {"invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": -290.0, "tax_ids": []})]}
        )
        with self.assertRaisesRegex(UserError, "no redemption of points pays for"):
            forged.action_post()
        # removing the discount line gives its points back
        line.unlink()
        self.assertBalanceIsLedger(self.member, 2000)
        draft.action_post()
        self.assertEqual(draft.amount_total, 300.0)

    def test_a_copied_invoice_does_not_copy_the_discount(self):
        draft = self.create_invoice(self.member, 300, post=False)
        draft._clinic_add_points_discount(self.member, 1000)
        copy = draft.copy()
        self.assertFalse(copy.invoice_line_ids.filtered(lambda line: line.price_unit < 0))
        copy.action_post()
        self.assertBalanceIsLedger(self.member, 1000 + 300)

    def test_bad_input_on_member_fields_and_wizards(self):
        before = self.state()
        for vals, message in (
            ({"birthday": "2026-02-30"}, "not a valid date"),
            ({"birthday": "0001-01-01"}, "plausible"),
            ({"consultant_id": "admin"}, "a record is expected"),
            ({"consent_email": "yes"}, "true or false"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self.member.with_user(self.frontdesk).write(vals)
        with self.assertRaisesRegex(UserError, "too large"):
            self.env["clinic.points.adjust"].with_user(self.manager).create(
                {"partner_id": self.member.id, "points": 2**40, "reason": "x"}
            )
        with self.assertRaisesRegex(UserError, "finite"):
            self.tier_gold.with_user(self.manager).write({"min_spend": float("nan")})
        with self.assertRaisesRegex(UserError, "too large"):
            self.company.write({"clinic_points_validity_months": 2**40})
        self.assertEqual(self.state(), before)
