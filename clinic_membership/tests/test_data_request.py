"""A member's rights over her personal information (个人信息保护法 arts. 44-47): a copy, an erasure."""

import base64
import json
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import ClinicMembershipCase

TEXT_TYPES = ("character varying", "text", "jsonb")


def find_texts(env, texts):
    """{(table, column)} of every text column of the database holding one of ``texts`` (tables with rows)."""
    env.flush_all()
    cr = env.cr
    cr.execute(
        """SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.column_name)
             FROM information_schema.columns c
             JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type IN %s
         GROUP BY c.table_name""",
        [TEXT_TYPES],
    )
    found = set()
    for table, columns in cr.fetchall():
        cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(table)))
        if not cr.fetchone():
            continue
        for text in texts:
            tests = SQL(", ").join(
                SQL("bool_or(strpos(%s::text, %s) > 0)", SQL.identifier(column), text) for column in columns
            )
            cr.execute(SQL("SELECT %s FROM %s", tests, SQL.identifier(table)))
            found.update((table, column) for column, hit in zip(columns, cr.fetchone(), strict=True) if hit)
    return found


class DataRequestCase(ClinicMembershipCase):
    NAME = "隐私测试王小美"
    PHONE = "13912345678"
    EMAIL = "xiaomei.privacy@example.com"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.create_member(
            cls.NAME, phone=cls.PHONE, email=cls.EMAIL, birthday="1990-05-01", street="南京路 1 号", consent_sms=True
        )
        cls.create_invoice(cls.member, 2000)
        cls.other = cls.create_member("另一会员赵六", phone="13700001111", email="zhao.liu@example.com")
        cls.create_invoice(cls.other, 500)
        cls.portal_user = new_test_user(
            cls.env, "pi_portal", groups="base.group_portal", partner_id=cls.member.id, name=cls.NAME
        )
        cls.other_user = new_test_user(
            cls.env, "pi_portal_other", groups="base.group_portal", partner_id=cls.other.id, name="另一会员赵六"
        )

    def file(self, partner=None, kind="export", user=None):
        return (
            self.env["clinic.data.request"]
            .with_user(user or self.frontdesk)
            .create({"partner_id": (partner or self.member).id, "kind": kind})
        )

    def exported(self, request):
        return json.loads(base64.b64decode(request.sudo().export_file))


@tagged("post_install", "-at_install")
class TestDataRequest(DataRequestCase):
    def test_export_holds_her_data_and_nothing_of_another_member(self):
        request = self.file()
        self.assertEqual(request.channel, "desk")
        self.assertEqual(request.date_deadline, fields.Date.context_today(request) + timedelta(days=15))
        request.with_user(self.manager).action_process()
        self.assertRecordValues(request, [{"state": "done", "done_by_id": self.manager.id}])
        self.assertTrue(request.export_filename.endswith(".json"))
        data = self.exported(request)
        raw = base64.b64decode(request.sudo().export_file).decode()
        self.assertIn(self.NAME, data["profile"].values())
        self.assertIn(self.PHONE, data["profile"].values())
        self.assertEqual(
            sum(row["Points"] for row in data["points_ledger"]), self.member.points_balance, "her points rows"
        )
        self.assertTrue(data["tier_changes"])
        for text in ("另一会员赵六", "13700001111", "zhao.liu@example.com", self.other.member_number):
            self.assertNotIn(text, raw)

    def test_overdue_and_refusal(self):
        request = self.file()
        request.sudo().date_requested = fields.Datetime.now() - timedelta(days=16)
        self.assertIn(request, request.search([("is_overdue", "=", True)]))
        with self.assertRaisesRegex(UserError, "reason"):
            request.with_user(self.manager).action_refuse()
        request.with_user(self.manager).action_refuse("尚有未结清的纠纷")
        self.assertRecordValues(
            request, [{"state": "refused", "refusal_reason": "尚有未结清的纠纷", "is_overdue": False}]
        )
        with self.assertRaisesRegex(UserError, "already answered"):
            request.with_user(self.manager).action_process()

    def test_erasure_leaves_her_name_only_in_the_documents_kept(self):
        self.member.message_post(body=f"{self.NAME} 来电，手机 {self.PHONE}")
        invoice = self.member.invoice_ids[:1]
        invoice.message_post(body=f"发票已交给 {self.NAME}")
        export = self.file()
        export.with_user(self.manager).action_process()
        request = self.file(kind="erasure")
        number = self.member.member_number
        request.with_user(self.manager).action_process()

        self.assertEqual(request.state, "done")
        self.assertFalse(export.sudo().export_file, "a copy exported before holds what was erased")
        self.assertRecordValues(
            self.member,
            [{"name": f"Erased member {number}", "phone": False, "email": False, "birthday": False, "active": True}],
        )
        self.assertFalse(self.member.is_member or self.member.consent_sms)
        self.assertFalse(self.portal_user.with_context(active_test=False).active)
        self.assertEqual(self.member.display_name, f"Erased member {number}")
        found = find_texts(self.env, [self.NAME, self.PHONE, self.EMAIL])
        # kept as the law requires (会计法, 会计档案管理办法): the invoice as issued
        allowed = {("account_move", "invoice_partner_display_name")}
        self.assertEqual(found - allowed, set(), "her name, phone or email is left elsewhere")
        self.assertEqual(invoice.invoice_partner_display_name, self.NAME, "the invoice is kept as issued")
        self.assertNotIn(self.NAME, invoice.message_ids[0].body)
        self.assertEqual(self.member.points_balance, self.ledger_sum(self.member), "the points ledger is kept")


@tagged("post_install", "-at_install")
class TestHostileDataRequest(DataRequestCase):
    def test_front_desk_files_but_does_not_process(self):
        request = self.file(kind="erasure")
        as_desk = request.with_user(self.frontdesk)
        for action in (as_desk.action_process, as_desk.action_cancel, lambda: as_desk.action_refuse("x")):
            with self.assertRaises(AccessError):
                action()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            request.with_user(self.frontdesk).write({"state": "done"})
        self.assertEqual(request.state, "new")
        self.assertEqual(self.member.name, self.NAME)

    def test_portal_member_reaches_only_her_own_requests(self):
        mine = self.env["clinic.data.request"].with_user(self.portal_user)._clinic_portal_create("export")
        self.assertRecordValues(mine, [{"partner_id": self.member.id, "channel": "portal"}])
        theirs = self.file(partner=self.other)
        theirs.with_user(self.manager).action_process()
        mine.with_user(self.manager).action_process()
        Request = self.env["clinic.data.request"].with_user(self.portal_user)
        self.assertEqual(Request.search([]), mine)
        self.assertTrue(mine.with_user(self.portal_user).export_file)
        self.assertTrue(mine.with_user(self.portal_user)._clinic_portal_export())
        self.assertIsNone(theirs.with_user(self.portal_user)._clinic_portal_export())
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            theirs.with_user(self.portal_user).export_file  # noqa: B018
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Request.create({"partner_id": self.other.id, "kind": "erasure"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            mine.with_user(self.portal_user).write({"state": "new", "kind": "erasure"})
        with self.assertRaisesRegex(UserError, "already"):
            Request._clinic_portal_create("export") and Request._clinic_portal_create("export")
        self.assertEqual(self.env["clinic.data.request"].search_count([("partner_id", "=", self.other.id)]), 1)


@tagged("post_install", "-at_install")
class TestDataRequestPortal(HttpCase, DataRequestCase):
    def test_portal_request_and_download(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open("/my/membership")
        self.assertIn("o_clinic_request_erasure", page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        url = "/my/membership/personal-data"
        refused = self.url_open(url, data={"csrf_token": token, "kind": "erasure", "partner_id": self.other.id})
        self.assertIn("Tick the box", refused.text, "an erasure is confirmed")
        self.url_open(url, data={"csrf_token": token, "kind": "export", "partner_id": self.other.id})
        self.assertEqual(self.url_open(url, data={"kind": "export"}).status_code, 400, "no CSRF token, no request")
        requests = self.env["clinic.data.request"].search([("channel", "=", "portal")])
        self.assertRecordValues(requests, [{"partner_id": self.member.id, "kind": "export"}])
        theirs = self.file(partner=self.other)
        (requests | theirs).with_user(self.manager).action_process()
        response = self.url_open(f"/my/membership/personal-data/{requests.id}/download")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["profile"]["Name"], self.NAME)
        self.assertIn("o_clinic_data_request_download", self.url_open("/my/membership").text)
        self.assertEqual(self.url_open(f"/my/membership/personal-data/{theirs.id}/download").status_code, 404)
