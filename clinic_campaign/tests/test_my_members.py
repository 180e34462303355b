from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestMyMembers(ClinicCampaignCase):
    """会员 › 我的会员: a consultant's members, her filters, and handing members over to another consultant."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_consultant = new_test_user(
            cls.env,
            "clinic_consultant_2",
            name="顾问 Other",
            email="other.consultant@example.com",
            groups="base.group_user,clinic_membership.group_clinic_user",
        )
        cls.plan = cls.env["clinic.followup.plan"].create(
            {
                "name": "Filler follow-up",
                "step_ids": [
                    Command.create({"name": "Day-1 call", "day_offset": 1, "kind": "activity"}),
                    Command.create({"name": "Day-3 call", "day_offset": 3, "kind": "activity"}),
                    Command.create({"name": "Day-7 visit", "day_offset": 7, "kind": "meeting", "duration": 0.5}),
                ],
            }
        )
        cls.recent = cls.create_member("近 Recent", birthday=date(1990, 3, 15))
        cls.dormant = cls.create_member("久 Dormant", birthday=date(1985, 7, 2))
        cls.newbie = cls.create_member("新 Newbie")
        cls.others = cls.create_member("他 Other's", consultant_id=cls.other_consultant.id, birthday=date(1991, 3, 3))
        cls.dormant.write({"member_since": cls.today - timedelta(days=200)})
        cls.create_invoice(cls.dormant, 500, date=cls.today - timedelta(days=100))
        invoice = cls.create_invoice(cls.recent, 800, date=cls.today - timedelta(days=10))
        cls.create_invoice(cls.others, 300, date=cls.today - timedelta(days=2))
        cls.tasks = cls.env["clinic.followup.task"]._clinic_schedule(cls.plan, invoice)
        cls.done = cls.tasks.filtered(lambda t: t.step_id.name == "Day-3 call")
        cls.done.action_done()
        cls.planned = cls.tasks - cls.done
        cls.mine = cls.recent | cls.dormant | cls.newbie

    def search_filter(self, name, user=None):
        """The members the search view's filter ``name`` finds, as ``user`` (the consultant) sees them."""
        view = self.env.ref("clinic_membership.res_partner_view_search_clinic_member")
        arch = etree.fromstring(self.env["res.partner"].get_view(view.id, "search")["arch"])
        [node] = arch.xpath(f"//filter[@name='{name}']")
        domain = safe_eval(node.get("domain"), {"context_today": lambda: self.today, "relativedelta": relativedelta})
        return self.env["res.partner"].with_user(user or self.consultant).search(domain)

    def test_my_members_are_the_consultants_own_with_visits_and_follow_ups(self):
        action = self.env.ref("clinic_campaign.res_partner_action_clinic_my_members")
        Partner = self.env["res.partner"].with_user(self.consultant)
        mine = Partner.search(safe_eval(action.domain, {"uid": self.consultant.id}))
        self.assertEqual(mine, self.mine)
        theirs = Partner.search(safe_eval(action.domain, {"uid": self.other_consultant.id}))
        self.assertEqual(theirs, self.others)
        # the consultant reads the columns without any right on invoices
        recent = mine.filtered(lambda p: p == self.recent)
        self.assertEqual(recent.clinic_last_visit_date, self.today - timedelta(days=10))
        self.assertEqual(recent.clinic_days_since_visit, 10)
        self.assertEqual(recent.clinic_open_followup_count, 2, "the planned call and visit, not the done call")
        self.assertFalse(mine.filtered(lambda p: p == self.newbie).clinic_last_visit_date)
        columns = self.env.ref("clinic_campaign.res_partner_view_list_clinic_my_members").arch
        mine.read([node.get("name") for node in etree.fromstring(columns).xpath("//field")])

    @freeze_time("2026-03-10")
    def test_birthdays_this_month(self):
        self.assertEqual(self.search_filter("birthday_this_month") & self.mine, self.recent)
        self.assertEqual(self.search_filter("birthday_this_month") & self.others, self.others)
        self.assertTrue(self.recent.with_user(self.consultant).clinic_birthday_this_month)
        not_born_in_march = self.env["res.partner"].search([("clinic_birthday_this_month", "=", False)])
        self.assertEqual(not_born_in_march & self.mine, self.dormant | self.newbie)

    def test_not_seen_for_90_days_and_open_follow_ups(self):
        # a new member who has not come yet is not "not seen"; a member whose last invoice is 100 days old is
        self.assertEqual(self.search_filter("not_seen_90_days") & (self.mine | self.others), self.dormant)
        self.assertEqual(self.search_filter("open_followups") & (self.mine | self.others), self.recent)
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.search([("clinic_open_followup_count", "=", 0)]) & self.mine, self.dormant | self.newbie
        )
        last_visit_before = Partner.search([("clinic_last_visit_date", "<", self.today - timedelta(days=50))])
        self.assertEqual(last_visit_before & self.mine, self.dormant)

    def test_reassigning_hands_over_planned_follow_ups_and_logs_old_and_new(self):
        activities, meeting = self.planned.activity_id, self.planned.calendar_event_id
        self.assertEqual(len(activities), 1)
        self.assertEqual(len(meeting), 1)
        self.recent.with_user(self.frontdesk).write({"consultant_id": self.other_consultant.id})
        self.flush_tracking()
        self.assertEqual(self.planned.user_id, self.other_consultant)
        self.assertEqual(activities.user_id, self.other_consultant)
        self.assertEqual(meeting.user_id, self.other_consultant)
        self.assertEqual(meeting.partner_ids, self.recent | self.other_consultant.partner_id)
        self.assertEqual(self.done.user_id, self.consultant, "a done follow-up stays with who did it")
        tracking = self.recent.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "consultant_id")
        self.assertEqual(
            (tracking.old_value_char, tracking.new_value_char), (self.consultant.name, self.other_consultant.name)
        )
        handover = self.recent.message_ids.filtered(lambda m: "Day-1 call" in str(m.body))
        self.assertIn(self.consultant.name, str(handover.body))
        self.assertIn(self.other_consultant.name, str(handover.body))

    def test_hostile_only_clinic_staff_change_a_consultant(self):
        portal = self.env["res.users"].create(
            {
                "name": "新 Newbie",
                "login": "my_members_portal",
                "partner_id": self.newbie.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        employee = new_test_user(
            self.env, "plain_employee_consultant", groups="base.group_user,base.group_partner_manager"
        )
        with self.assertRaises(AccessError):
            self.newbie.with_user(portal).write({"consultant_id": self.other_consultant.id})
        with self.assertRaises(AccessError):
            self.recent.with_user(employee).write({"consultant_id": self.other_consultant.id})
        self.assertEqual((self.newbie | self.recent).consultant_id, self.consultant)
        self.assertEqual(self.planned.user_id, self.consultant)
