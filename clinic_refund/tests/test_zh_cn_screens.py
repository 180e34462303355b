"""Every screen of the clinic's daily work reads in Chinese for a zh_CN user (no English word left)."""

import json

from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase

SCREENS = {
    "frontdesk": [
        "clinic_membership.res_partner_action_clinic_member",
        "clinic_refund.clinic_prepaid_contract_action",
        "clinic_refund.clinic_refund_request_action",
        "clinic_membership.clinic_points_move_action",
        "clinic_refund.clinic_contract_package_line_action",
    ],
    "manager": [
        "clinic_membership.clinic_membership_tier_action",
        "clinic_membership.clinic_tier_change_action",
        "clinic_refund.clinic_contract_template_action",
        "clinic_refund.clinic_refund_request_action_disputes",
        "clinic_refund.clinic_treatment_package_action",
        "clinic_refund.clinic_package_sessions_action",
    ],
    "accountant": [
        "clinic_refund.clinic_stored_value_move_action",
        "clinic_refund.clinic_refund_request_action_to_pay",
        "clinic_refund.clinic_stored_value_reconciliation_action",
    ],
}
NAMES = {"frontdesk": "前台测试", "manager": "经理测试", "accountant": "会计测试"}
GROUPS = {
    "frontdesk": "base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
    "account.group_account_invoice",
    "manager": "base.group_user,base.group_partner_manager,clinic_membership.group_clinic_manager",
    "accountant": "base.group_user,clinic_membership.group_clinic_accountant,account.group_account_manager",
}


@tagged("post_install", "-at_install")
class TestChineseScreens(StoredValueCase, HttpCase):
    def test_lists_and_records_of_each_role_are_in_chinese(self):
        self.activate_zh_cn()
        contract = self.env["clinic.prepaid.contract"].search([("state", "=", "active")], limit=1)
        member = contract.partner_id
        request = self.env["clinic.refund.request"].search([], limit=1)
        # the demo's second package member (the first one's partner also holds the portal login)
        package_contract = self.env["clinic.contract.package.line"].search([], order="id desc", limit=1).contract_id
        self.assertTrue(package_contract, "the demo sells treatment packages")
        records = {
            "frontdesk": [
                f"clinic_membership.res_partner_action_clinic_member/{member.id}",
                f"clinic_refund.clinic_prepaid_contract_action/{contract.id}",
                f"clinic_refund.clinic_refund_request_action/{request.id}",
                f"clinic_membership.res_partner_action_clinic_member/{package_contract.partner_id.id}",
                f"clinic_refund.clinic_prepaid_contract_action/{package_contract.id}",
            ],
        }
        for role, actions in SCREENS.items():
            user = new_test_user(self.env, f"zh_{role}", name=NAMES[role], lang="zh_CN", groups=GROUPS[role])
            for action in [*actions, *records.get(role, [])]:
                with self.subTest(role=role, screen=action):
                    self.start_tour(f"/odoo/action-{action}", "clinic_zh_cn_screen_tour", login=user.login)


@tagged("post_install", "-at_install")
class TestMemberFormInChinese(StoredValueCase, HttpCase):
    def test_the_desk_opens_a_demo_member_on_what_it_needs(self):
        """The front desk finds a demo member and reads, in Chinese, her number, tier, consultant, points,
        stored value available and reserved for her package sessions, and her packages."""
        self.activate_zh_cn()
        frontdesk = self.env.ref("clinic_membership.user_clinic_frontdesk")  # login and password: frontdesk
        frontdesk.lang = "zh_CN"
        member = self.env.ref("clinic_membership.partner_member_portal").with_context(lang="zh_CN")
        line = member.clinic_package_line_ids.filtered(lambda line: line.sessions_remaining)[:1]
        self.assertTrue(line, "the demo member holds a package with sessions left")
        self.assertTrue(member.stored_value_available and member.stored_value_reserved and member.points_balance)
        expected = {
            "name": member.name,
            "member_number": member.member_number,
            "tier": member.tier_id.name,
            "consultant": member.consultant_id.name,
            "points": f"{member.points_balance:,}",
            "available": f"{member.stored_value_available:,.2f}",
            "reserved": f"{member.stored_value_reserved:,.2f}",
            "sessions": str(member.clinic_sessions_remaining),
            "package": line.package_id.name,
        }
        self.start_tour(
            "/odoo/action-clinic_membership.res_partner_action_clinic_member",
            "clinic_member_form_tour",
            login=frontdesk.login,
            # what the form must show, set before the tour's steps are built (by the ready check)
            ready=f"(window.clinicMemberExpected = {json.dumps(expected)}) "
            "&& odoo.isTourReady('clinic_member_form_tour')",
        )


@tagged("post_install", "-at_install")
class TestManagerReportsInChinese(StoredValueCase, HttpCase):
    def test_the_manager_reads_segments_and_liabilities_in_chinese(self):
        self.activate_zh_cn()
        self.env["res.partner"]._clinic_score_segments(self.company)
        user = new_test_user(self.env, "zh_report_manager", name="经理报表", lang="zh_CN", groups=GROUPS["manager"])
        self.start_tour("/odoo", "clinic_manager_reports_tour", login=user.login)
