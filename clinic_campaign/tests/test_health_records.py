"""Who sees a member's health records, and who saw them: the front desk none, a consultant her own
members', the on-call doctor his cases, the managers all; every read is logged (OCA auditlog) with
who and when, never with what the record holds; the manager reads the log on the member."""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from .test_emergency import EmergencyCase

DESCRIPTION = "术后第三天鼻背红肿渗液"


class HealthRecordCase(EmergencyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_consultant = new_test_user(
            cls.env,
            "hr_other_consultant",
            name="别的顾问",
            groups="base.group_user,clinic_membership.group_clinic_health_own",
        )
        cls.other.consultant_id = cls.other_consultant
        cls.case = cls.Emergency.with_user(cls.member_user)._clinic_portal_report(DESCRIPTION, "", None).sudo()
        plan = cls.env["clinic.followup.plan"].create(
            {"name": "鼻综合术后", "step_ids": [(0, 0, {"name": "术后第1天", "day_offset": 1, "kind": "activity"})]}
        )
        invoice = cls.create_invoice(cls.member, 100, post=False)
        cls.task = cls.env["clinic.followup.task"]._clinic_schedule(plan, invoice)

    def access_logs(self, record=None):
        domain = [("clinic_partner_id", "=", self.member.id)]
        if record is not None:
            domain += [("model_model", "=", record._name), ("res_id", "=", record.id)]
        return self.env["auditlog.log"].sudo().search(domain, order="id")


@tagged("post_install", "-at_install")
class TestHealthRecords(HealthRecordCase):
    def test_front_desk_sees_no_health_record(self):
        logs = self.access_logs()
        for model, record in (("clinic.emergency", self.case), ("clinic.followup.task", self.task)):
            Model = self.env[model].with_user(self.frontdesk)
            for attempt in (
                lambda Model=Model: Model.search([]),
                lambda Model=Model, record=record: Model.browse(record.id).read(["partner_id"]),
                lambda Model=Model: Model.search_read([], ["partner_id"]),
                lambda Model=Model, record=record: Model.browse(record.id).web_read({"partner_id": {}}),
            ):
                with self.assertRaises(AccessError, msg=model):
                    attempt()
        with self.assertRaises(AccessError):
            self.env["survey.user_input"].with_user(self.frontdesk).search([])
        # the member's form at the desk: no health counts, and her history names the case, not its content
        member = self.member.with_user(self.frontdesk)
        self.assertNotIn("clinic_emergency_open_count", member.fields_get())
        self.assertNotIn("clinic_open_followup_count", member.fields_get())
        with self.assertRaises(AccessError):
            member.read(["clinic_emergency_open_count"])
        history = member.message_ids.mapped("body")
        self.assertTrue(any(self.case.name in body for body in history))
        self.assertFalse([body for body in history if DESCRIPTION in body])
        self.assertEqual(self.access_logs(), logs, "a refused read leaves no access log")

    def test_desk_logs_a_call_it_cannot_read_back(self):
        case = self.open_by_phone("电话：填充部位发硬发热")
        self.assertEqual((case.channel, case.consultant_id, case.doctor_id), ("phone", self.consultant, self.doctor))
        self.assertEqual(self.urgent_activities(case).user_id, self.consultant | self.doctor)
        with self.assertRaises(AccessError):
            case.with_user(self.frontdesk).read(["description"])
        call = self.env["clinic.emergency.call"].with_user(self.frontdesk)
        not_member = self.env["res.partner"].create({"name": "路人"})
        count = self.Emergency.search_count([])
        with self.assertRaises(AccessError):
            call.create({"partner_id": not_member.id, "description": "x"}).action_log_call()
        self.assertEqual(self.Emergency.search_count([]), count)

    def test_consultant_sees_her_members_doctor_his_cases_manager_all(self):
        other_case = self.Emergency.with_user(self.other_user)._clinic_portal_report("另一位会员的情况", "", None)
        Emergency, Task = self.Emergency, self.env["clinic.followup.task"]
        self.assertEqual(Emergency.with_user(self.consultant).search([]), self.case)
        self.assertEqual(Emergency.with_user(self.other_consultant).search([]), other_case)
        self.assertEqual(Task.with_user(self.consultant).search([]), self.task)
        self.assertFalse(Task.with_user(self.other_consultant).search([]))
        with self.assertRaises(AccessError):
            self.case.with_user(self.other_consultant).read(["description"])
        with self.assertRaises(AccessError):
            self.task.with_user(self.other_consultant).read(["name"])
        # the day's on-call doctor answers every case opened that day, whoever the consultant
        ours = [("id", "in", (self.case | other_case).ids)]
        self.assertEqual(Emergency.with_user(self.doctor).search(ours), self.case | other_case)
        self.assertEqual(Emergency.with_user(self.manager).search(ours), self.case | other_case)
        self.assertEqual(Task.with_user(self.manager).search([("id", "=", self.task.id)]), self.task)
        self.assertEqual(self.other.with_user(self.consultant).clinic_emergency_open_count, 0)
        self.assertEqual(self.member.with_user(self.consultant).clinic_emergency_open_count, 1)

    def test_each_read_is_logged_with_who_and_when_not_what(self):
        before = self.access_logs(self.case)
        self.case.with_user(self.consultant).read(["description", "state"])
        self.case.with_user(self.doctor).web_read({"description": {}, "photo": {}})
        self.task.with_user(self.consultant).search_read([("id", "=", self.task.id)], ["name", "state"])
        logs = self.access_logs(self.case) - before
        self.assertEqual(logs.mapped("user_id"), self.consultant | self.doctor)
        self.assertEqual(len(logs), 2, "one row per read")
        self.assertEqual(set(logs.mapped("clinic_access")), {"read"})
        self.assertEqual(set(logs.mapped("method")), {"read"})
        self.assertTrue(all(logs.mapped("create_date")))
        self.assertIn("description", logs[0].line_ids.mapped("field_name"))
        task_log = self.access_logs(self.task)
        self.assertEqual((task_log.user_id, task_log.clinic_partner_id), (self.consultant, self.member))
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM auditlog_log_line WHERE old_value LIKE %s OR old_value_text LIKE %s",
            [f"%{DESCRIPTION}%", f"%{DESCRIPTION}%"],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the log names the fields read, never what they hold")

    def test_a_context_does_not_switch_the_log_off(self):
        before = self.access_logs(self.case)
        forged = self.case.with_user(self.consultant).with_context(auditlog_disabled=True)
        forged.read(["description"])
        forged.web_read({"description": {}})
        self.env["clinic.emergency"].with_user(self.consultant).with_context(auditlog_disabled=True).search_read(
            [("id", "=", self.case.id)], ["description"]
        )
        self.assertEqual(len(self.access_logs(self.case) - before), 3, "each read is logged all the same")

    def test_desk_cannot_log_a_call_for_another_clinics_member_nor_a_broken_photo(self):
        other_clinic = self.env["res.company"].create({"name": "别家诊所 Other clinic"})
        self.env["clinic.membership.tier"].create(
            {"name": "别家普通", "min_spend": 0, "sequence": 1, "company_id": other_clinic.id}
        )
        theirs = self.env["res.partner"].create({"name": "别家会员"})
        theirs.with_company(other_clinic).action_enrol_member()
        self.assertEqual(theirs.member_company_id, other_clinic)
        count = self.Emergency.search_count([])
        Call = self.env["clinic.emergency.call"].with_user(self.frontdesk)
        with self.assertRaises(AccessError):
            Call.create({"partner_id": theirs.id, "description": "x"}).action_log_call()
        with self.assertRaises(UserError):  # a ValidationError is one
            Call.create({"partner_id": self.member.id, "description": "x", "photo": base64.b64encode(b"not an image")})
        self.assertEqual(self.Emergency.search_count([]), count, "nothing opened")

    def test_manager_reads_the_access_log_on_the_member_and_nobody_else_does(self):
        self.case.with_user(self.consultant).read(["description"])
        self.case.with_user(self.doctor).read(["description"])
        member = self.member.with_user(self.manager)
        self.assertEqual(member.clinic_access_log_count, 2)
        action = member.action_view_clinic_access_log()
        logs = self.env["auditlog.log"].with_user(self.manager).search(action["domain"])
        self.assertEqual(logs.mapped("user_id"), self.consultant | self.doctor)
        for user in (self.frontdesk, self.consultant, self.doctor):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["auditlog.log"].with_user(user).search([])
            self.assertNotIn("clinic_access_log_count", self.member.with_user(user).fields_get())
        for user in (self.frontdesk, self.manager):
            with self.assertRaises(AccessError):
                logs.with_user(user).write({"user_id": user.id})
            with self.assertRaises(AccessError):
                logs.with_user(user).unlink()
        self.assertEqual(self.access_logs(self.case), logs)


@tagged("post_install", "-at_install")
class TestHealthRecordsOverRpc(HttpCase, HealthRecordCase):
    def call(self, user, model, method, *args, **kwargs):
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_json_rpc_refuses_the_desk_and_logs_the_consultant(self):
        before = self.access_logs()
        for model, method, args in (
            ("clinic.emergency", "web_search_read", ([], {"description": {}})),
            ("clinic.emergency", "web_read", (self.case.ids, {"description": {}})),
            ("clinic.followup.task", "search_read", ([], ["name"])),
            ("survey.user_input", "search_read", ([], ["partner_id"])),
            ("auditlog.log", "search_read", ([], ["name"])),
        ):
            with self.assertRaises(JsonRpcException, msg=f"{model}.{method}") as caught:
                self.call(self.frontdesk, model, method, *args)
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        self.assertEqual(self.access_logs(), before)
        result = self.call(
            self.consultant,
            "clinic.emergency",
            "web_read",
            self.case.ids,
            {"description": {}},
            context={"auditlog_disabled": True},  # a client's context does not switch the log off
        )
        self.assertEqual(result[0]["description"], DESCRIPTION)
        log = self.access_logs(self.case) - before
        self.assertEqual(len(log), 1, "one read, one row: served read/write once, not retried")
        self.assertEqual(log.user_id, self.consultant)
        self.assertIn("/web/dataset/call_kw/clinic.emergency/web_read", log.http_request_id.name)

    def test_a_photo_opened_by_its_url_is_logged(self):
        case = self.report("术后照片", photo=self.png).sudo()
        url = f"/web/image/clinic.emergency/{case.id}/photo"
        before = self.access_logs(case)
        self.authenticate(self.frontdesk.login, self.frontdesk.login)
        response = self.url_open(url)
        self.assertNotEqual(response.content, base64.b64decode(case.photo), "the desk does not get the photo")
        self.assertEqual(self.access_logs(case), before)
        self.authenticate(self.consultant.login, self.consultant.login)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, base64.b64decode(case.photo))
        log = self.access_logs(case) - before
        self.assertEqual((len(log), log.user_id, log.line_ids.field_name), (1, self.consultant, "photo"))
        self.assertFalse(log.line_ids.old_value)
