from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestStoredValueMenus(StoredValueCase):
    def _visible(self, user, xmlid):
        menu = self.env.ref(xmlid)
        return menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_accountant_reaches_the_reconciliation(self):
        accountant = new_test_user(
            self.env, "sv_accountant", groups="base.group_user,clinic_membership.group_clinic_accountant"
        )
        self.assertTrue(self._visible(accountant, "clinic_refund.menu_clinic_stored_value_reconciliation"))
        self.assertTrue(self._visible(accountant, "clinic_refund.menu_account_stored_value_reconciliation"))
        self.assertFalse(self._visible(self.frontdesk, "clinic_refund.menu_clinic_stored_value_reconciliation"))
        self.assertTrue(self._visible(self.frontdesk, "clinic_refund.menu_clinic_prepaid_contract"))

    def test_settings_show_the_stored_value_blocks(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("clinic_stored_value_account_id", arch)
        self.assertIn("clinic_prepaid_setting_container", arch)


@tagged("post_install", "-at_install")
class TestHomeActions(HttpCase, StoredValueCase):
    """Each clinic role lands on its own work after login, not on Discuss."""

    def _home_action(self, user):
        user.password = f"{user.login}-Home-2026"
        self.authenticate(user.login, user.password)
        return self.make_jsonrpc_request("/web/session/get_session_info", {})["home_action_id"]

    def test_each_role_lands_on_its_work(self):
        expected = {
            self.frontdesk: "clinic_membership.res_partner_action_clinic_member",
            self.accountant: "clinic_refund.clinic_refund_request_action_to_pay",
            self.manager: "clinic_refund.clinic_refund_request_action_to_approve",
            self.director: "clinic_refund.clinic_refund_request_action_to_approve",
        }
        for user, xmlid in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(self._home_action(user), self.env.ref(xmlid).id)
        employee = new_test_user(self.env, "home_employee", groups="base.group_user")
        self.assertFalse(self._home_action(employee), "outside the clinic, Odoo's own home")
        own = self.env.ref("clinic_refund.clinic_refund_request_action")
        self.frontdesk.action_id = own.id  # action_id is an ir.actions.actions
        self.assertEqual(self._home_action(self.frontdesk), own.id, "a home action set on the user wins")
