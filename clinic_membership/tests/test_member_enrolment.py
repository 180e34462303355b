from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestMemberEnrolment(ClinicMembershipCase):
    def test_enrol_gives_number_entry_tier_and_pricelist(self):
        partner = self.env["res.partner"].with_user(self.frontdesk).create({"name": "王芳"})
        self.flush_tracking()
        partner.action_enrol_member()
        self.assertTrue(partner.is_member)
        self.assertTrue(partner.member_number.startswith("M"))
        self.assertEqual(partner.member_since, partner.create_date.date())
        self.assertEqual(partner.member_company_id, self.company)
        self.assertEqual(partner.tier_id, self.tier_regular)
        self.assertEqual(partner.property_product_pricelist, self.tier_regular.pricelist_id)
        change = partner.tier_change_ids
        self.assertEqual(len(change), 1)
        self.flush_tracking()
        self.assertEqual(
            (change.reason, change.old_tier_id, change.new_tier_id),
            ("enrol", self.env["clinic.membership.tier"], self.tier_regular),
        )
        self.assertIn("Enrolment", partner.message_ids.filtered("tracking_value_ids")[0].body)

    @mute_logger("odoo.sql_db")
    def test_member_numbers_are_unique(self):
        first, second = self.create_member("甲"), self.create_member("乙")
        self.assertNotEqual(first.member_number, second.member_number)
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            second.sudo().write({"member_number": first.member_number})
            second.flush_recordset()

    def test_enrol_twice_refused(self):
        partner = self.create_member()
        number = partner.member_number
        with self.assertRaisesRegex(UserError, "already member"):
            partner.action_enrol_member()
        self.assertEqual(partner.member_number, number)
        self.assertEqual(len(partner.tier_change_ids), 1)

    def test_enrol_archived_company_or_company_contact_refused(self):
        archived = self.env["res.partner"].create({"name": "Archived", "active": False})
        company = self.env["res.partner"].create({"name": "医美集团", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Employee", "parent_id": company.id})
        for partner, message in ((archived, "archived"), (company, "is a company"), (contact, "contact of")):
            with self.assertRaisesRegex(UserError, message):
                partner.action_enrol_member()
            self.assertFalse(partner.is_member)
            self.assertFalse(partner.member_number)

    def test_enrol_a_batch_refuses_all_when_one_is_bad(self):
        good = self.env["res.partner"].create({"name": "Good"})
        bad = self.env["res.partner"].create({"name": "Bad Co", "is_company": True})
        with self.assertRaises(UserError):
            (good | bad).action_enrol_member()
        self.assertFalse(good.is_member)

    def test_enrol_with_past_spend_goes_straight_to_its_tier(self):
        partner = self.env["res.partner"].create({"name": "Returning client"})
        self.create_invoice(partner, 60000)
        partner.action_enrol_member()
        self.assertEqual(partner.tier_id, self.tier_gold)
        self.assertEqual(partner.tier_change_ids.sorted("id").mapped("reason"), ["enrol", "upgrade"])

    def test_leave_and_come_back_keeps_the_number(self):
        partner = self.create_member()
        number = partner.member_number
        partner.with_user(self.manager).action_leave_membership()
        self.assertFalse(partner.is_member)
        self.assertFalse(partner.tier_id)
        self.assertTrue(partner.member_left_date)
        self.assertEqual(self.last_change(partner).reason, "leave")
        partner.action_enrol_member()
        self.assertEqual(partner.member_number, number)
        self.assertFalse(partner.member_left_date)

    def test_manual_tier_change_is_for_managers_and_logged(self):
        partner = self.create_member()
        with self.assertRaises(AccessError):
            partner.with_user(self.frontdesk).write({"tier_id": self.tier_gold.id})
        self.assertEqual(partner.tier_id, self.tier_regular)
        desk_form = Form(partner.with_user(self.frontdesk))
        with self.assertRaisesRegex(AssertionError, "readonly field 'tier_id'"):
            desk_form.tier_id = self.tier_gold  # her form does not offer what the model refuses
        with Form(partner.with_user(self.manager)) as form:
            form.tier_id = self.tier_gold
        self.assertEqual(partner.tier_id, self.tier_gold)
        self.assertEqual(self.last_change(partner).reason, "manual")
        self.assertEqual(partner.property_product_pricelist, self.tier_gold.pricelist_id)

    def test_consent_dates_follow_the_checkboxes(self):
        partner = self.create_member(consent_email=True)
        self.assertTrue(partner.consent_email_date)
        self.assertFalse(partner.consent_sms_date)
        self.assertTrue(partner._clinic_has_consent("email"))
        self.assertFalse(partner._clinic_has_consent("sms"))
        partner.consent_email = False
        self.assertFalse(partner.consent_email_date)
        partner.consent_wechat = True
        self.assertTrue(partner.consent_wechat_date)

    def test_referrer_cannot_be_oneself(self):
        partner = self.create_member()
        with self.assertRaises(ValidationError):
            partner.referred_by_id = partner

    def test_member_numbers_unique_per_company(self):
        other = self.env["res.company"].create({"name": "Clinic Hangzhou"})
        self.env["clinic.membership.tier"].create({"name": "Entry", "company_id": other.id, "min_spend": 0})
        self.env["ir.sequence"].create(
            {"name": "Hangzhou members", "code": "clinic.member", "prefix": "HZ", "padding": 4, "company_id": other.id}
        )
        shanghai = self.create_member("上海会员")
        hangzhou = self.env["res.partner"].create({"name": "杭州会员"})
        hangzhou.with_company(other).action_enrol_member()
        self.assertEqual(hangzhou.member_company_id, other)
        self.assertTrue(hangzhou.member_number.startswith("HZ"))
        self.assertNotEqual(shanghai.member_company_id, hangzhou.member_company_id)
        # the same number in two companies is allowed, twice in one is not
        hangzhou.sudo().write({"member_number": shanghai.member_number})
        hangzhou.flush_recordset()

    def test_no_tiers_no_enrolment(self):
        other = self.env["res.company"].create({"name": "Clinic without tiers"})
        partner = self.env["res.partner"].create({"name": "Nobody"})
        with self.assertRaisesRegex(UserError, "Configure the membership tiers"):
            partner.with_company(other).action_enrol_member()


@tagged("post_install", "-at_install")
class TestFindMember(ClinicMembershipCase):
    def test_found_by_phone_digits_member_number_or_card_code(self):
        member = self.create_member("查找 Findable", phone="+86 138 0013 8000")
        other = self.create_member("其他 Other", phone="+86 139 1111 2222")
        Partner = self.env["res.partner"].with_user(self.frontdesk)
        for typed in ("13800138000", "138 0013 8000", "+86-138-0013-8000", member.member_number):
            with self.subTest(typed=typed):
                found = Partner.name_search(typed)
                self.assertIn(member.id, [pid for pid, _name in found])
                self.assertNotIn(other.id, [pid for pid, _name in found])
        self.assertFalse(Partner.search([("display_name", "ilike", "13800138001")]))
