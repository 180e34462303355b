"""The emergency line: a member's urgent problem reaches her consultant and the on-call doctor, and the
managers when nobody acknowledges it in time; nobody else reads, answers or rewrites it."""

import base64
import io
import re
from datetime import timedelta

from PIL import Image

from odoo import fields
from odoo.addons.clinic_membership.tests.common import activate_zh_cn
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import ClinicCampaignCase


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


class EmergencyCase(ClinicCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.doctor = new_test_user(
            cls.env,
            "em_doctor",
            name="值班医生",
            groups="base.group_user,clinic_membership.group_clinic_practitioner",
        )
        Roster = cls.env["clinic.duty.roster"]
        cls.day = Roster._clinic_today(cls.company)
        Roster.search([("company_id", "=", cls.company.id), ("date", "=", cls.day)]).unlink()  # the demo's
        Roster.create({"date": cls.day, "doctor_id": cls.doctor.id})
        cls.member = cls.create_member("急诊会员")
        cls.member_user = new_test_user(
            cls.env, "em_member", groups="base.group_portal", partner_id=cls.member.id, name=cls.member.name
        )
        cls.other = cls.create_member("别的会员")
        cls.other_user = new_test_user(
            cls.env, "em_other", groups="base.group_portal", partner_id=cls.other.id, name=cls.other.name
        )
        cls.Emergency = cls.env["clinic.emergency"]
        cls.png = png_bytes()
        cls.emergency_type = cls.env.ref("clinic_campaign.mail_activity_type_emergency")

    def report(self, description="术后第二天眼周红肿，疼痛加重", date_onset="", photo=None):
        return self.Emergency.with_user(self.member_user)._clinic_portal_report(description, date_onset, photo)

    def open_by_phone(self, description="电话：注射部位发硬"):
        """The desk's Emergency button: the call's wizard; the desk cannot read the case it opened."""
        call = (
            self.env["clinic.emergency.call"]
            .with_user(self.frontdesk)
            .with_context(default_partner_id=self.member.id)
            .create({"description": description})
        )
        call.action_log_call()
        return self.Emergency.search([("partner_id", "=", self.member.id), ("description", "=", description)])

    def urgent_activities(self, case):
        return case.sudo().activity_ids.filtered(lambda act: act.activity_type_id == self.emergency_type)

    def snapshot(self, case):
        case.invalidate_recordset()
        return case.sudo().read(
            ["state", "escalated", "date_due", "date_acknowledged", "acknowledged_by_id", "doctor_id", "partner_id"]
        )


@tagged("post_install", "-at_install")
class TestEmergency(EmergencyCase):
    def test_portal_report_reaches_consultant_and_on_call_doctor(self):
        invoice = self.create_invoice(self.member, 1000)
        case = self.report(photo=self.png).sudo()
        self.assertRecordValues(
            case,
            [
                {
                    "partner_id": self.member.id,
                    "channel": "portal",
                    "state": "new",
                    "consultant_id": self.consultant.id,
                    "doctor_id": self.doctor.id,
                    "company_id": self.company.id,
                    "escalated": False,
                    "move_id": invoice.id,
                }
            ],
        )
        self.assertRegex(case.name, r"^JZ/\d{4}/\d{4,}$")
        self.assertEqual(case.date_due, case.date_reported + timedelta(minutes=30), "the company's default")
        self.assertTrue(case.photo)
        activities = self.urgent_activities(case)
        self.assertEqual(activities.user_id, self.consultant | self.doctor)
        self.assertEqual(set(activities.mapped("date_deadline")), {self.day})
        notified = case.message_ids.filtered(lambda m: self.consultant.partner_id in m.partner_ids)
        self.assertIn(self.doctor.partner_id, notified.partner_ids)
        self.assertIn(case.name, "".join(self.member.message_ids.mapped("body")), "on the member's history")
        self.assertEqual(self.member.clinic_emergency_open_count, 1)

    def test_not_acknowledged_in_time_is_escalated_once(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            case = self.open_by_phone()
        with freeze_time(now + timedelta(minutes=29)):
            self.Emergency._cron_escalate()
            self.assertFalse(case.escalated)
        with freeze_time(now + timedelta(minutes=31)):
            self.Emergency._cron_escalate()
            self.assertTrue(case.escalated)
            self.assertEqual(case.date_escalated, now + timedelta(minutes=31))
            self.assertEqual(case.state, "new", "still waiting for an answer")
            self.assertIn(self.manager, self.urgent_activities(case).user_id)
            escalation = case.message_ids.filtered(lambda m: self.manager.partner_id in m.partner_ids)
            self.assertEqual(len(escalation), 1)
            messages, activities = len(case.message_ids), len(self.urgent_activities(case))
            self.Emergency._cron_escalate()
        with freeze_time(now + timedelta(hours=2)):
            self.Emergency._cron_escalate()
        self.assertEqual((len(case.message_ids), len(self.urgent_activities(case))), (messages, activities))

    def test_acknowledged_in_time_is_not_escalated_and_resolved_with_a_note(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            case = self.open_by_phone()
        with freeze_time(now + timedelta(minutes=10)):
            case.with_user(self.doctor).action_acknowledge()
        self.assertRecordValues(
            case,
            [
                {
                    "state": "acknowledged",
                    "acknowledged_by_id": self.doctor.id,
                    "date_acknowledged": now + timedelta(minutes=10),
                }
            ],
        )
        self.assertFalse(self.urgent_activities(case), "the to-dos are done")
        with freeze_time(now + timedelta(hours=1)):
            self.Emergency._cron_escalate()
        self.assertFalse(case.escalated)
        with self.assertRaises(UserError):
            case.with_user(self.consultant).action_acknowledge()
        with self.assertRaisesText(UserError, "before resolving"):
            case.with_user(self.consultant).action_resolve()
        case.with_user(self.consultant).write({"resolution": "已电话指导冰敷，明早复诊"})
        case.with_user(self.consultant).action_resolve()
        self.assertEqual(case.state, "resolved")
        self.assertEqual(self.member.clinic_emergency_open_count, 0)
        with self.assertRaises(UserError):
            case.with_user(self.consultant).write({"description": "改写"})

    def test_no_doctor_on_the_roster_tells_the_managers(self):
        self.env["clinic.duty.roster"].search([("date", "=", self.day)]).unlink()
        case = self.open_by_phone()
        self.assertFalse(case.doctor_id)
        self.assertEqual(self.urgent_activities(case).user_id, self.consultant)
        told = case.message_ids.filtered(lambda m: self.manager.partner_id in m.partner_ids)
        self.assertIn("roster", "".join(told.mapped("body")))

    def test_only_who_answers_acknowledges(self):
        case = self.open_by_phone()
        before = self.snapshot(case)
        for user in (self.frontdesk, self.member_user, self.other_user):
            with self.assertRaises(AccessError):
                case.with_user(user).action_acknowledge()
        self.assertEqual(self.snapshot(case), before)
        case.with_user(self.manager).action_acknowledge()
        self.assertEqual(case.acknowledged_by_id, self.manager)

    def test_hostile_portal_member(self):
        case = self.report()
        before = self.snapshot(case)
        as_other = case.with_user(self.other_user)
        with self.assertRaises(AccessError):
            as_other.read(["description"])
        self.assertFalse(self.Emergency.with_user(self.other_user).search([("id", "=", case.id)]))
        for vals in ({"state": "acknowledged"}, {"escalated": True}, {"description": "x"}):
            for user in (self.member_user, self.other_user):
                with self.assertRaises(AccessError):
                    case.with_user(user).write(vals)
        with self.assertRaises(AccessError):
            self.Emergency.with_user(self.member_user).create({"partner_id": self.member.id, "description": "x"})
        for action in ("action_acknowledge", "action_resolve", "action_cancel"):
            with self.assertRaises(AccessError):
                getattr(case.with_user(self.member_user), action)()
        self.assertEqual(self.snapshot(case), before)
        self.assertEqual(self.Emergency.with_user(self.member_user).search([]), case, "she reads her own case only")

    def test_front_desk_cannot_write_what_actions_set(self):
        case = self.open_by_phone()
        before = self.snapshot(case)
        later = fields.Datetime.now() + timedelta(days=1)
        for vals in (
            {"state": "resolved"},
            {"escalated": True},
            {"date_due": later},
            {"date_acknowledged": later},
            {"acknowledged_by_id": self.frontdesk.id},
            {"doctor_id": self.frontdesk.id},
            {"partner_id": self.other.id},
        ):
            with self.assertRaises(AccessError, msg=vals):
                case.with_user(self.frontdesk).write(vals)
        self.assertEqual(self.snapshot(case), before)
        count = self.Emergency.search_count([])
        with self.assertRaises(AccessError):
            self.Emergency.with_user(self.frontdesk).create(
                {"partner_id": self.member.id, "description": "x", "state": "resolved", "escalated": True}
            )
        self.assertEqual(self.Emergency.search_count([]), count)
        # health records are not the desk's: once logged, the case is neither read nor changed there
        for attempt in (
            lambda: case.with_user(self.frontdesk).read(["description"]),
            lambda: case.with_user(self.frontdesk).write({"description": "电话：注射部位发硬，发热 38 度"}),
            lambda: case.with_user(self.frontdesk).action_cancel(),
        ):
            with self.assertRaises(AccessError):
                attempt()
        self.assertEqual(self.snapshot(case), before)
        case.with_user(self.consultant).action_cancel()  # a duplicate call is cancelled by who answers it
        self.assertEqual(case.state, "cancelled")
        self.assertFalse(self.urgent_activities(case))

    def test_bad_report_is_refused_and_nothing_recorded(self):
        count = self.Emergency.search_count([])
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        for kwargs, text in (
            ({"photo": b"%PDF-1.4 not an image"}, "JPEG or PNG"),
            ({"photo": self.png[:40]}, "damaged"),
            ({"photo": b"\x89PNG" + b"\0" * (10 * 1024 * 1024)}, "10 MB"),
            ({"date_onset": tomorrow.strftime("%Y-%m-%dT%H:%M")}, "future"),
            ({"date_onset": "昨天"}, "date and time"),
            ({"description": "   "}, "description"),
        ):
            with self.assertRaisesText(ValidationError, text):
                self.report(**kwargs)
        call = (
            self.env["clinic.emergency.call"]
            .with_user(self.frontdesk)
            .with_context(default_partner_id=self.member.id)
            .create({"description": "x", "date_onset": tomorrow})
        )
        with self.assertRaisesText(ValidationError, "future"):
            call.action_log_call()
        self.assertEqual(self.Emergency.search_count([]), count)


@tagged("post_install", "-at_install")
class TestEmergencyPortal(HttpCase, EmergencyCase):
    def post_report(self, **data):
        page = self.url_open("/my/emergencies/new")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        photo = data.pop("photo", None)
        files = {"photo": ("photo.png", photo, "image/png")} if photo is not None else {}
        return self.url_open("/my/emergencies/new", data={"csrf_token": token, **data}, files=files)

    def test_report_in_the_portal_and_nobody_else_reads_it(self):
        self.authenticate(self.member_user.login, self.member_user.login)
        count = self.Emergency.search_count([])
        tomorrow = (fields.Datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        refused = self.post_report(description="肿", date_onset=tomorrow)
        self.assertIn("o_clinic_emergency_error", refused.text)
        self.assertIn("肿", refused.text, "what she typed is kept")
        refused = self.post_report(description="肿", photo=b"GIF89a not a photo")
        self.assertIn("o_clinic_emergency_error", refused.text)
        self.assertEqual(self.Emergency.search_count([]), count, "nothing recorded")

        response = self.post_report(description="眼周红肿 <script>alert(1)</script>", photo=self.png)
        self.assertIn("reported=1", response.url)
        case = self.Emergency.search([("partner_id", "=", self.member.id)])
        self.assertEqual((case.channel, case.state), ("portal", "new"))
        self.assertIn("o_clinic_emergency_reported", response.text)
        self.assertNotIn("<script>alert(1)", response.text, "shown escaped")
        self.assertIn(case.name, self.url_open("/my/emergencies").text)
        photo = self.url_open(f"/web/image/clinic.emergency/{case.id}/photo")
        self.assertEqual((photo.status_code, photo.content), (200, base64.b64decode(case.photo)))

        self.authenticate(self.other_user.login, self.other_user.login)
        self.assertTrue(self.url_open(f"/my/emergencies/{case.id}").url.endswith("/my"))
        self.assertNotIn(case.name, self.url_open("/my/emergencies").text)
        self.assertNotEqual(self.url_open(f"/web/image/clinic.emergency/{case.id}/photo").content, photo.content)

    def test_member_reports_and_consultant_acknowledges_in_zh_cn(self):
        activate_zh_cn(self.env)
        (self.member_user | self.consultant).write({"lang": "zh_CN"})
        self.consultant.name = "孙顾问"
        self.start_tour("/my/emergencies", "clinic_emergency_portal_tour", login=self.member_user.login)
        case = self.Emergency.search([("partner_id", "=", self.member.id)])
        self.assertEqual((case.state, case.channel), ("new", "portal"))
        self.start_tour(
            f"/odoo/action-clinic_campaign.clinic_emergency_action/{case.id}",
            "clinic_emergency_acknowledge_tour",
            login=self.consultant.login,
        )
        self.assertEqual((case.state, case.acknowledged_by_id), ("acknowledged", self.consultant))
