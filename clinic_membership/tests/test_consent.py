import re

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import ClinicMembershipCase

KINDS = ("sensitive", "photos_marketing", "marketing")


@tagged("post_install", "-at_install")
class TestConsent(HttpCase, ClinicMembershipCase):
    """The member's three separate consents (个人信息保护法 arts. 14, 15, 29) on OCA privacy_consent:
    answered in the portal, at the desk or on paper, or by privacy_consent's mail link, each answer
    recorded with its channel, text version and moment, and a withdrawn marketing consent effective at once.
    The sensitive-information consent is recorded only: treatment records do not require it (yet)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.create_member(
            "同意会员", email="consent.member@example.com", consent_email=True, consent_sms=True
        )
        cls.other = cls.create_member("别的会员", email="consent.other@example.com")
        cls.portal = new_test_user(
            cls.env, "consent_portal", groups="base.group_portal", partner_id=cls.member.id, name=cls.member.name
        )
        cls.other_portal = new_test_user(
            cls.env, "consent_other", groups="base.group_portal", partner_id=cls.other.id, name=cls.other.name
        )
        cls.consents = cls.member._clinic_consents()
        cls.other_consents = cls.other._clinic_consents()

    def record_at_desk(self, partner, kind, answer="accept", channel="desk", user=None):
        form = Form(
            self.env["clinic.consent.record"]
            .with_user(user or self.frontdesk)
            .with_context(default_partner_id=partner.id, clinic_consent_kind=kind)
        )
        form.answer = answer
        form.channel = channel
        return form.save().action_record()

    def test_the_three_consents_of_the_main_company(self):
        activities = self.env["privacy.activity"]._clinic_activities(self.env.ref("base.main_company"))
        self.assertEqual(set(activities), set(KINDS))
        for activity in activities.values():
            self.assertEqual(activity.consent_required, "manual")
            self.assertEqual(activity.controller_id, self.env.ref("base.main_partner"))
            self.assertTrue(activity.clinic_text_version and activity.clinic_consent_text)
        self.assertEqual(set(self.consents), set(KINDS))
        self.assertEqual(self.member._clinic_consents(), self.consents, "one consent per kind, created once")
        self.assertEqual(set(self.consents.values()).pop().state, "draft")

    def test_front_desk_records_a_paper_consent_with_its_version(self):
        consent = self.consents["sensitive"]
        messages = len(consent.message_ids)
        self.record_at_desk(self.member, "sensitive", channel="paper")
        self.assertRecordValues(
            consent,
            [{"state": "answered", "accepted": True, "clinic_channel": "paper", "clinic_text_version": "2026-01"}],
        )
        self.assertTrue(consent.clinic_date_answered)
        self.assertGreater(len(consent.message_ids), messages, "the answer is a message in the consent's chatter")
        self.assertIn("text version 2026-01", consent.message_ids[0].body)
        self.assertIn(consent, self.member.with_user(self.frontdesk).privacy_consent_ids, "listed on her form")

    def test_front_desk_and_managers_never_write_answers_directly(self):
        consent = self.consents["photos_marketing"]
        for user, vals in (
            (self.frontdesk, {"accepted": True}),
            (self.frontdesk, {"state": "answered"}),
            (self.manager, {"accepted": True}),
            (self.env.ref("base.user_admin"), {"clinic_channel": "portal"}),
            (self.env.ref("base.user_admin"), {"clinic_date_answered": "2020-01-01 00:00:00"}),
        ):
            with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                consent.with_user(user).write(vals)
        with self.assertRaises(AccessError):
            consent.with_user(self.frontdesk).action_answer(True)
        with self.assertRaises(AccessError):
            consent.with_user(self.frontdesk)._clinic_answer(True, "portal")
        with self.assertRaises(AccessError):
            self.env["privacy.consent"].with_user(self.frontdesk).create(
                {"partner_id": self.other.id, "activity_id": consent.activity_id.id, "accepted": True}
            )
        self.assertRecordValues(consent, [{"state": "draft", "accepted": False, "clinic_channel": False}])
        activity = consent.activity_id
        with self.assertRaises(AccessError):
            activity.with_user(self.frontdesk).write({"clinic_text_version": "2099-01"})
        activity.with_user(self.manager).write({"clinic_text_version": "2026-02"})  # managers configure them
        self.assertEqual(activity.clinic_text_version, "2026-02")

    def test_withdrawn_marketing_consent_turns_channels_off_and_giving_it_back_turns_none_on(self):
        self.assertTrue(self.member._clinic_has_consent("email"))
        self.record_at_desk(self.member, "marketing", answer="reject")
        self.assertTrue(self.member.clinic_marketing_withdrawn)
        self.assertFalse(self.member.consent_email or self.member.consent_sms)
        self.assertFalse(self.member.consent_email_date or self.member.consent_sms_date)
        self.assertIn("Marketing consent withdrawn", self.member.message_ids[0].body)
        self.member.with_user(self.frontdesk).consent_email = True  # a channel ticked while withdrawn
        self.assertFalse(self.member._clinic_has_consent("email"), "the withdrawal prevails over a channel flag")
        self.record_at_desk(self.member, "marketing")
        self.assertFalse(self.member.clinic_marketing_withdrawn)
        self.assertFalse(self.member.consent_sms, "giving the consent back turns no channel on by itself")
        self.assertTrue(self.member._clinic_has_consent("email"), "the channel she chose again counts")

    def test_portal_member_gives_and_withdraws_at_once(self):
        self.authenticate(self.portal.login, self.portal.login)
        page = self.url_open("/my/privacy")
        self.assertEqual(page.status_code, 200)
        for consent in self.consents.values():
            self.assertIn(consent.activity_id.name, page.text)
        self.assertIn("2026-01", page.text)
        self.assertIn("/my/privacy", self.url_open("/my/membership").text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        consent = self.consents["marketing"]
        url = f"/my/privacy/consent/{consent.id}"
        self.assertEqual(self.url_open(url, data={"csrf_token": token, "answer": "accept"}).status_code, 200)
        self.env.invalidate_all()
        self.assertRecordValues(consent, [{"state": "answered", "accepted": True, "clinic_channel": "portal"}])
        response = self.url_open(url, data={"csrf_token": token, "answer": "reject"})
        self.assertIn("o_clinic_consent_saved", response.text)
        self.env.invalidate_all()
        self.assertRecordValues(
            consent,
            [{"state": "answered", "accepted": False, "clinic_channel": "portal", "clinic_text_version": "2026-01"}],
        )
        self.assertTrue(consent.clinic_date_answered)
        self.assertIn("Remote IP", consent.last_metadata)
        self.assertFalse(self.member.consent_email, "effective at once: her channels are off")
        self.assertTrue(self.member.clinic_marketing_withdrawn)
        self.assertEqual(len(consent.message_ids.filtered(lambda m: "Member Portal" in (m.body or ""))), 2)
        self.assertEqual(self.url_open(url, data={"answer": "accept"}).status_code, 400, "no CSRF token, no answer")

    def test_portal_member_cannot_answer_or_read_another_members_consent(self):
        other_consent = self.other_consents["marketing"]
        self.authenticate(self.portal.login, self.portal.login)
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.url_open("/my/privacy").text).group(1)
        response = self.url_open(
            f"/my/privacy/consent/{other_consent.id}", data={"csrf_token": token, "answer": "reject"}
        )
        self.assertEqual(response.status_code, 404)
        as_portal = other_consent.with_user(self.portal)
        with self.assertRaises(AccessError):
            as_portal.read(["accepted"])
        with self.assertRaises(AccessError):
            as_portal.write({"accepted": False, "state": "answered"})
        with self.assertRaises(AccessError):
            as_portal._clinic_answer(False, "portal")
        with self.assertRaises(AccessError):
            self.consents["marketing"].with_user(self.portal).write({"accepted": True})
        self.assertEqual(self.env["privacy.consent"].with_user(self.portal).search([]), self.member.privacy_consent_ids)
        self.env.invalidate_all()
        self.assertRecordValues(other_consent, [{"state": "draft", "accepted": False}])

    def test_privacy_consent_mail_link_is_recorded_as_such(self):
        consent = self.consents["photos_marketing"]
        response = self.url_open(consent._url(True))
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertRecordValues(
            consent,
            [{"state": "answered", "accepted": True, "clinic_channel": "mail_link", "clinic_text_version": "2026-01"}],
        )
