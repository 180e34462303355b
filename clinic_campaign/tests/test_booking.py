import re
from datetime import datetime, timedelta
from unittest.mock import patch

import pytz

from odoo import Command, fields
from odoo.addons.clinic_membership.tests.common import activate_zh_cn
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, freeze_time, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common import ClinicCampaignCase

SHANGHAI = pytz.timezone("Asia/Shanghai")
MONDAY = datetime(2030, 1, 7, 10, 0)  # 10:00 in Shanghai, a Monday


def utc(local):
    """The UTC time (naive, as Odoo stores it) of a Shanghai wall-clock time."""
    return SHANGHAI.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


class BookingCase(ClinicCampaignCase):
    """A consultation type open every day around the clock with one doctor and one room; Saturday
    mornings are priority hours, open to all 24 hours before. Regular books 14 days ahead, Diamond 60
    and the priority hours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["resource.booking.type"].search([("clinic_kind", "!=", False)]).active = False  # the demo's
        Calendar = cls.env["resource.calendar"]

        def attendance(day, hour_from, hour_to):
            period = "morning" if hour_from < 12 else "afternoon"
            return Command.create(
                {
                    "name": str(day),
                    "dayofweek": str(day),
                    "hour_from": hour_from,
                    "hour_to": hour_to,
                    "day_period": period,
                }
            )

        hours = Calendar.create(
            {
                "name": "全天",
                "tz": "Asia/Shanghai",
                "attendance_ids": [Command.clear()] + [attendance(d, 0, 24) for d in range(7)],
            }
        )
        priority = Calendar.create(
            {"name": "周六上午", "tz": "Asia/Shanghai", "attendance_ids": [Command.clear(), attendance(5, 9, 12)]}
        )
        cls.doctor = new_test_user(
            cls.env, "bk_doctor", name="预约医生", groups="base.group_user,clinic_membership.group_clinic_practitioner"
        )
        Resource = cls.env["resource.resource"]
        resources = Resource.create(
            [
                {"name": "预约医生", "resource_type": "user", "user_id": cls.doctor.id, "calendar_id": hours.id},
                {"name": "面诊室", "resource_type": "material", "calendar_id": hours.id},
            ]
        )
        resources.tz = "Asia/Shanghai"
        combination = cls.env["resource.booking.combination"].create({"resource_ids": [Command.set(resources.ids)]})
        cls.consultation = cls.env["product.product"].create(
            {"name": "面诊咨询服务", "type": "service", "list_price": 300, "taxes_id": [Command.clear()]}
        )
        cls.booking_type = cls.env["resource.booking.type"].create(
            {
                "name": "面诊咨询",
                "clinic_kind": "consultation",
                "product_id": cls.consultation.id,
                "duration": 1,
                "slot_duration": 1,
                "modifications_deadline": 1,
                "resource_calendar_id": hours.id,
                "clinic_priority_calendar_id": priority.id,
                "clinic_release_hours": 24,
                "combination_rel_ids": [Command.create({"combination_id": combination.id})],
            }
        )
        cls.tier_regular.write({"booking_horizon_days": 14, "booking_priority": False})
        cls.tier_diamond.write({"booking_horizon_days": 60, "booking_priority": True})
        cls.regular = cls.create_member("普通会员", tier=cls.tier_regular)
        cls.diamond = cls.create_member("钻石会员", tier=cls.tier_diamond)
        cls.regular_user = new_test_user(
            cls.env, "bk_regular", groups="base.group_portal", partner_id=cls.regular.id, name=cls.regular.name
        )
        cls.diamond_user = new_test_user(
            cls.env, "bk_diamond", groups="base.group_portal", partner_id=cls.diamond.id, name=cls.diamond.name
        )
        cls.Booking = cls.env["resource.booking"]

    def self_book(self, user):
        """What /my/bookings/new does for ``user``: her pending booking."""
        return self.Booking.with_user(user)._clinic_portal_book(self.booking_type)

    def confirm(self, booking, user, local):
        """What resource_booking's confirm route does: ``start`` written with privilege raised, as the member."""
        booking = booking.with_user(user).sudo().with_context(using_portal=True)
        booking.start = utc(local)
        booking.action_confirm()

    def desk_book(self, partner, local, user=None):
        return self.Booking.with_user(user or self.frontdesk).create(
            {"type_id": self.booking_type.id, "partner_ids": [Command.set(partner.ids)], "start": utc(local)}
        )

    def slots(self, booking, user, local_from, days):
        start = SHANGHAI.localize(local_from)
        found = (
            booking.with_user(user)
            .sudo()
            .with_context(using_portal=True)
            ._get_available_slots(start, start + timedelta(days=days))
        )
        return [slot.astimezone(SHANGHAI).replace(tzinfo=None) for day_slots in found.values() for slot in day_slots]

    def assertUnchanged(self, booking):
        booking.invalidate_recordset()
        self.assertEqual((booking.state, booking.start, booking.meeting_id.id), ("pending", False, False))


@tagged("post_install", "-at_install")
class TestBooking(BookingCase):
    def test_tier_sets_how_far_ahead_she_books(self):
        in_30_days = MONDAY + timedelta(days=30)
        with freeze_time(utc(MONDAY)):
            booking = self.self_book(self.regular_user)
            with self.assertRaisesText(ValidationError, "14"):
                self.confirm(booking, self.regular_user, in_30_days)
            self.assertUnchanged(booking)
            slots = self.slots(booking, self.regular_user, MONDAY, 40)
            self.assertTrue(slots)
            self.assertLessEqual(max(slots).date(), (MONDAY + timedelta(days=14)).date())

            diamond_booking = self.self_book(self.diamond_user)
            self.assertIn(in_30_days, self.slots(diamond_booking, self.diamond_user, MONDAY, 40))
            self.confirm(diamond_booking, self.diamond_user, in_30_days)
            self.assertEqual(diamond_booking.state, "confirmed")

            # the desk follows her tier; a manager books outside it with a reason
            afternoon = in_30_days.replace(hour=15)
            with self.assertRaisesText(ValidationError, "14"):
                booking.with_user(self.frontdesk).write({"start": utc(afternoon)})
            with self.assertRaises(AccessError):
                booking.with_user(self.frontdesk).write({"start": utc(afternoon), "clinic_override_reason": "熟客"})
            self.assertUnchanged(booking)
            booking.with_user(self.manager).write({"start": utc(afternoon), "clinic_override_reason": "院长特批"})
            self.assertEqual(booking.state, "scheduled")

    def test_priority_hours_open_to_all_a_day_before(self):
        saturday = MONDAY + timedelta(days=5)
        with freeze_time(utc(MONDAY)):
            booking = self.self_book(self.regular_user)
            with self.assertRaisesText(ValidationError, "priority"):
                self.confirm(booking, self.regular_user, saturday)
            self.assertUnchanged(booking)
            offered = {slot.hour for slot in self.slots(booking, self.regular_user, saturday.replace(hour=0), 1)}
            self.assertFalse(offered & {9, 10, 11}, "the priority hours are not offered")
            self.assertIn(12, offered)
            diamond_booking = self.self_book(self.diamond_user)
            self.confirm(diamond_booking, self.diamond_user, saturday.replace(hour=9))
            self.assertEqual(diamond_booking.state, "confirmed")
        with freeze_time(utc(saturday - timedelta(hours=23))):
            offered = {slot.hour for slot in self.slots(booking, self.regular_user, saturday.replace(hour=0), 1)}
            self.assertIn(10, offered, "open to every member 24 hours before")
            self.assertNotIn(9, offered, "taken by the Diamond member")
            self.confirm(booking, self.regular_user, saturday)
            self.assertEqual(booking.state, "confirmed")

    def test_no_shows_send_her_to_the_front_desk(self):
        self.company.write({"clinic_no_show_limit": 2, "clinic_no_show_days": 180})
        with freeze_time(utc(MONDAY)):
            pending = self.self_book(self.regular_user)
            missed = self.desk_book(self.regular, MONDAY - timedelta(days=3)) | self.desk_book(
                self.regular, MONDAY - timedelta(days=2)
            )
            future = self.desk_book(self.regular, MONDAY + timedelta(days=1))
            with self.assertRaises(AccessError):
                missed[0].with_user(self.regular_user).action_mark_no_show()
            with self.assertRaises(AccessError):
                missed[0].with_user(self.frontdesk).write({"clinic_attendance": "no_show"})
            with self.assertRaisesText(UserError, "not started"):
                future.with_user(self.frontdesk).action_mark_no_show()
            self.assertFalse(any((missed | future).mapped("clinic_attendance")))
            missed.with_user(self.frontdesk).action_mark_no_show()
            self.assertEqual(missed.mapped("clinic_attendance"), ["no_show", "no_show"])

            with self.assertRaisesText(UserError, "calling the clinic"):
                self.self_book(self.regular_user)
            with self.assertRaisesText(ValidationError, "calling the clinic"):
                self.confirm(pending, self.regular_user, MONDAY + timedelta(days=2))
            self.assertUnchanged(pending)
            self.desk_book(self.regular, MONDAY + timedelta(days=2))  # the desk still books her
        with freeze_time(utc(MONDAY + timedelta(days=181))):
            self.assertTrue(self.self_book(self.regular_user), "old no-shows no longer count")

    def test_booking_on_the_member_s_and_the_doctor_s_calendars(self):
        with freeze_time(utc(MONDAY)):
            booking = self.self_book(self.diamond_user)
            self.confirm(booking, self.diamond_user, MONDAY + timedelta(days=1))
            meeting = booking.meeting_id
            self.assertTrue(meeting)
            for partner in (self.diamond, self.doctor.partner_id):
                self.assertIn(partner, meeting.partner_ids)
                self.assertIn(partner, meeting.attendee_ids.partner_id)
            self.assertIn(meeting, self.env["calendar.event"].with_user(self.doctor).search([]))

    def test_members_see_and_change_only_what_is_theirs(self):
        with freeze_time(utc(MONDAY)):
            own = self.self_book(self.regular_user)
            other = self.self_book(self.diamond_user)
            self.confirm(other, self.diamond_user, MONDAY + timedelta(days=2))
            as_member = self.Booking.with_user(self.regular_user)
            self.assertEqual(as_member.search([]), own)
            with self.assertRaises(AccessError):
                as_member.browse(other.id).read(["start"])
            with self.assertRaises(AccessError):
                own.with_user(self.regular_user).write({"start": utc(MONDAY + timedelta(days=1))})
            with self.assertRaises(AccessError):
                own.with_user(self.regular_user).write({"clinic_attendance": "attended"})
            with self.assertRaises(AccessError):  # through the confirm route: another member's booking
                self.confirm(other, self.regular_user, MONDAY + timedelta(days=3))
            with self.assertRaises(AccessError):
                self.tier_regular.with_user(self.regular_user).write({"booking_horizon_days": 60})
            with self.assertRaises(AccessError):
                self.tier_regular.with_user(self.frontdesk).write({"booking_priority": True})
            self.booking_type.clinic_portal_bookable = False
            with self.assertRaisesText(UserError, "online"):
                self.self_book(self.regular_user)
            self.assertEqual(self.tier_regular.booking_horizon_days, 14)
            self.assertEqual(other.start, utc(MONDAY + timedelta(days=2)))
            self.assertUnchanged(own)

    def test_checkout_marks_the_booking_attended(self):
        with freeze_time(utc(MONDAY)):
            booking = self.desk_book(self.regular, MONDAY.replace(hour=15))
            self.create_invoice(self.regular, 100)  # another service
            self.assertFalse(booking.clinic_attendance)
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.regular.id,
                    "journal_id": self.journal.id,
                    "invoice_date": MONDAY.date(),
                    "invoice_line_ids": [Command.create({"product_id": self.consultation.id, "price_unit": 300})],
                }
            )
            invoice.action_post()
            self.assertEqual(booking.clinic_attendance, "attended")

    def test_reminder_the_day_before_once(self):
        with freeze_time(utc(MONDAY)):
            tomorrow = self.desk_book(self.regular, MONDAY + timedelta(days=1))
            later = self.desk_book(self.diamond, MONDAY + timedelta(days=3))
            Mail = self.env["mail.mail"]
            domain = [("model", "=", "resource.booking"), ("res_id", "in", (tomorrow | later).ids)]
            self.Booking._cron_clinic_send_reminders()
            self.Booking._cron_clinic_send_reminders()
            mails = Mail.search(domain)
            self.assertEqual(mails.mapped("res_id"), tomorrow.ids)
            self.assertIn(self.regular.email, mails.email_to)
            self.assertEqual((tomorrow.clinic_reminder_sent, later.clinic_reminder_sent), (True, False))

    def test_desk_books_from_the_member_s_form(self):
        button_context = {"default_partner_ids": [self.regular.id]}  # 预约 on her form
        with freeze_time(utc(MONDAY)):
            with Form(self.Booking.with_user(self.frontdesk).with_context(**button_context)) as form:
                form.type_id = self.booking_type
                form.start = utc(MONDAY + timedelta(days=1))
            booking = form.record
            self.assertEqual(booking.partner_ids, self.regular)
            self.assertEqual(booking.state, "scheduled")
            self.assertIn(self.regular, booking.meeting_id.partner_ids)

    def test_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.booking_type.clinic_release_hours = -1
        with self.assertRaises(ValidationError):
            self.company.clinic_no_show_days = 0


PHONE = {"width": 375, "height": 812}
navigate_to = ChromeBrowser.navigate_to


def navigate_on_a_phone(browser, url, wait_stop=False):
    """Chrome's window is never narrower than 500 px: the page is shown as a phone shows it."""
    browser._websocket_request(
        "Emulation.setDeviceMetricsOverride", params={**PHONE, "deviceScaleFactor": 2, "mobile": True}
    )
    return navigate_to(browser, url, wait_stop=wait_stop)


@tagged("post_install", "-at_install")
class TestBookingPortal(HttpCase, BookingCase):
    browser_size = "375x812"
    touch_enabled = True

    def post_new(self, type_id, token):
        return self.url_open("/my/bookings/new", data={"csrf_token": token, "type_id": type_id})

    def test_routes_book_for_herself_only(self):
        other = self.self_book(self.diamond_user)
        self.authenticate(self.regular_user.login, self.regular_user.login)
        page = self.url_open("/my/bookings/new")
        self.assertIn("o_clinic_booking_type", page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.post_new(self.booking_type.id, token)
        booking = self.Booking.search([("partner_ids", "in", self.regular.ids)])
        self.assertEqual(len(booking), 1)
        self.assertIn(f"/my/bookings/{booking.id}/schedule", response.url)
        for url in (f"/my/bookings/{other.id}", f"/my/bookings/{other.id}/schedule"):
            self.assertTrue(self.url_open(url).url.endswith("/my"), url)

        # resource_booking's confirm route: the refusal is shown on the scheduling page, nothing is kept
        local_now = pytz.utc.localize(fields.Datetime.now()).astimezone(SHANGHAI).replace(tzinfo=None)
        too_far = SHANGHAI.localize(
            (local_now + timedelta(days=30)).replace(hour=10, minute=0, second=0, microsecond=0)
        )
        response = self.url_open(
            f"/my/bookings/{booking.id}/confirm",
            data={
                "csrf_token": token,
                "access_token": booking.sudo()._portal_ensure_token(),
                "when": too_far.isoformat(),
            },
        )
        self.assertIn("error=", response.url)
        self.assertUnchanged(booking)

        self.company.clinic_no_show_limit = 1
        missed = self.desk_book(
            self.regular, (local_now - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        )
        missed.with_user(self.frontdesk).action_mark_no_show()
        self.assertIn("o_clinic_booking_blocked", self.url_open("/my/bookings/new").text)
        response = self.post_new(self.booking_type.id, token)
        self.assertIn("o_clinic_booking_error", response.text)
        self.assertEqual(len(self.Booking.search([("partner_ids", "in", self.regular.ids)])), 2, "no new booking")

    def test_member_books_a_consultation_on_a_phone_in_zh_cn(self):
        activate_zh_cn(self.env)
        self.regular_user.lang = "zh_CN"
        with patch.object(ChromeBrowser, "navigate_to", navigate_on_a_phone):
            self.start_tour("/my/bookings/new", "clinic_booking_portal_tour", login=self.regular_user.login)
        booking = self.Booking.search([("partner_ids", "in", self.regular.ids)])
        self.assertEqual(booking.state, "confirmed")
        self.assertIn(self.doctor.partner_id, booking.meeting_id.partner_ids)


@tagged("post_install", "-at_install")
class TestMyMembersBookings(BookingCase):
    def test_my_members_shows_and_filters_todays_bookings(self):
        with freeze_time(utc(MONDAY - timedelta(hours=2))):
            self.desk_book(self.regular, MONDAY)
            self.desk_book(self.diamond, MONDAY + timedelta(days=1))
            Partner = self.env["res.partner"].with_user(self.frontdesk).with_context(tz="Asia/Shanghai")
            members = Partner.browse((self.regular | self.diamond).ids)
            self.assertEqual(members.mapped("clinic_booking_today_count"), [1, 0])
            self.assertEqual(
                Partner.search([("id", "in", members.ids), ("clinic_booking_today_count", ">", 0)]), self.regular
            )
