from odoo.addons.clinic_membership.models.res_partner import CONSENT_CHANNELS, MEMBER_PROTECTED_FIELDS
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ClinicMembershipCase

# What a copy of a contact never carries: membership and its ledger, consent (given by a person, for
# herself, on a date) and the referral (its bonus is earned once, by the contact referred).
NOT_COPIED = (
    *MEMBER_PROTECTED_FIELDS,
    *(f"consent_{channel}" for channel in CONSENT_CHANNELS),
    "tier_locked_until",
    "referred_by_id",
    "points_move_ids",
    "tier_change_ids",
)


@tagged("post_install", "-at_install")
class TestDuplicate(ClinicMembershipCase):
    """Duplicating a contact, a member or a user (Odoo's "Duplicate", ``res.users.copy``) works for
    whoever may create them, and the copy is a new contact: not a member, without consent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.user_manager = new_test_user(
            cls.env, "clinic_user_manager", groups="base.group_user,base.group_erp_manager,base.group_partner_manager"
        )
        cls.referrer = cls.create_member("推荐人 Referrer")
        cls.member = cls.create_member(
            "会员 Copied",
            phone="138 0013 8000",
            consent_email=True,
            consent_sms=True,
            consent_wechat=True,
            referred_by_id=cls.referrer.id,
        )
        cls.create_invoice(cls.member, 60000)  # Gold, with points and a Gold pricelist

    def assertNewContact(self, copy, original):
        copy = copy.sudo()  # read all of it, whoever copied it
        self.assertNotEqual(copy, original)
        self.assertEqual(copy.name, f"{original.name} (copy)")
        self.assertFalse(copy.is_member)
        self.assertFalse(copy.member_number)
        self.assertFalse(copy.member_since)
        self.assertFalse(copy.member_company_id)
        self.assertFalse(copy.tier_id)
        self.assertFalse(copy.tier_change_ids)
        self.assertFalse(copy.qualifying_spend)
        self.assertFalse(copy.points_move_ids)
        self.assertBalanceIsLedger(copy, 0)
        self.assertFalse(copy.referred_by_id)
        for channel in CONSENT_CHANNELS:
            self.assertFalse(copy[f"consent_{channel}"], channel)
            self.assertFalse(copy[f"consent_{channel}_date"], channel)
        tier_pricelists = self.env["clinic.membership.tier"].search([]).pricelist_id
        self.assertNotIn(copy.specific_property_product_pricelist, tier_pricelists)

    def assertMemberUnchanged(self):
        member = self.member
        self.assertTrue(member.is_member)
        self.assertEqual(member.tier_id, self.tier_gold)
        self.assertEqual(member.specific_property_product_pricelist, self.tier_gold.pricelist_id)
        self.assertTrue(member.consent_email and member.consent_email_date)
        self.assertEqual(member.referred_by_id, self.referrer)
        self.assertBalanceIsLedger(member, self.points)

    def setUp(self):
        super().setUp()
        self.assertEqual(self.member.tier_id, self.tier_gold)
        self.assertTrue(self.member.consent_sms_date)
        self.points = self.member.points_balance
        self.assertGreater(self.points, 0)

    def test_fields_of_membership_and_consent_are_never_copied(self):
        for model in ("res.partner", "res.users"):
            for name in NOT_COPIED:
                self.assertFalse(self.env[model]._fields[name].copy, f"{model}.{name}")

    def test_copy_a_contact_as_admin_and_front_desk(self):
        contact = self.env["res.partner"].create(
            {"name": "张三 Contact", "email": "zhang@example.com", "consent_email": True, "consent_phone": True}
        )
        for user in (self.admin, self.frontdesk):
            with self.subTest(user=user.login):
                copy = contact.with_user(user).copy()
                self.assertNewContact(copy, contact)
                self.assertEqual((copy.email, copy.phone), (contact.email, contact.phone))
                self.assertTrue(contact.consent_email_date)

    def test_copy_a_member_as_admin_and_front_desk(self):
        for user in (self.admin, self.frontdesk, self.manager):
            with self.subTest(user=user.login):
                copy = self.member.with_user(user).copy()
                self.assertNewContact(copy, self.member)
                self.assertEqual((copy.email, copy.phone), (self.member.email, self.member.phone))
                self.assertMemberUnchanged()
        # the copy is a client of its own: enrolled, it gets its own number and entry tier
        copy = self.member.with_user(self.frontdesk).copy()
        copy.action_enrol_member()
        self.assertTrue(copy.member_number)
        self.assertNotEqual(copy.member_number, self.member.member_number)
        self.assertEqual(copy.tier_id, self.tier_regular)
        self.assertEqual(copy.property_product_pricelist, self.tier_regular.pricelist_id)

    def test_copy_a_user_as_admin_and_user_manager(self):
        as_member = new_test_user(self.env, "clinic_portal_copied", groups="base.group_portal")
        as_member.partner_id.write({"consent_email": True, "consent_sms": True})
        as_member.partner_id.action_enrol_member()
        staff = [
            new_test_user(self.env, login, groups="base.group_user,clinic_membership.group_clinic_user")
            for login in ("clinic_staff_copied", "clinic_staff_copied_2")
        ]
        (staff[0] | staff[1]).partner_id.consent_wechat = True
        for user, original in ((self.admin, as_member), (self.admin, staff[0]), (self.user_manager, staff[1])):
            with self.subTest(user=user.login, original=original.login):
                copy = original.with_user(user).copy()
                self.assertEqual(copy.login, f"{original.login} (copy)")
                self.assertNotEqual(copy.partner_id, original.partner_id)
                self.assertNewContact(copy.partner_id, original.partner_id)
                self.assertEqual(copy.groups_id, original.groups_id)
        self.assertTrue(as_member.partner_id.is_member)
        self.assertTrue(as_member.partner_id.consent_email_date)

    def test_front_desk_copying_a_user_gets_odoos_own_refusal(self):
        """Front desk staff create contacts, not users: Odoo refuses, not a clinic field."""
        with self.assertRaises(AccessError) as refusal:
            self.frontdesk.with_user(self.frontdesk).copy()
        self.assertNotIn("never directly", str(refusal.exception))

    def test_copy_a_member_invoice_and_a_gift(self):
        invoice = self.member.invoice_ids.filtered(lambda move: move.state == "posted")[:1]
        copy = invoice.with_user(self.frontdesk).copy()
        self.assertEqual((copy.state, copy.partner_id, copy.amount_total), ("draft", self.member, invoice.amount_total))
        self.assertFalse(copy.clinic_points_move_ids)
        gift = self.env["product.template"].create({"name": "Gift", "type": "consu", "clinic_points_cost": 500})
        gift_copy = gift.with_user(self.admin).copy()
        self.assertEqual(gift_copy.clinic_points_cost, 500)
        self.assertMemberUnchanged()
