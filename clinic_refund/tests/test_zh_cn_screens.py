"""Every screen of the clinic's daily work reads in Chinese for a zh_CN user (no English word left)."""

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
