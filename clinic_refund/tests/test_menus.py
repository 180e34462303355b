from odoo.tests import new_test_user, tagged

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
