from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestClinicSecurity(TransactionCase):
    def test_manager_implies_user_and_director_implies_manager(self):
        director = new_test_user(self.env, "t_director", groups="clinic_membership.group_clinic_director")
        self.assertTrue(director.has_group("clinic_membership.group_clinic_manager"))
        self.assertTrue(director.has_group("clinic_membership.group_clinic_user"))

    def test_accountant_is_not_a_manager(self):
        accountant = new_test_user(self.env, "t_accountant", groups="clinic_membership.group_clinic_accountant")
        self.assertTrue(accountant.has_group("clinic_membership.group_clinic_user"))
        self.assertTrue(accountant.has_group("account.group_account_invoice"))
        self.assertFalse(accountant.has_group("clinic_membership.group_clinic_manager"))

    def test_admin_is_clinic_manager(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group("clinic_membership.group_clinic_manager"))

    def test_clinic_menu_hidden_from_plain_employees(self):
        employee = new_test_user(self.env, "t_employee", groups="base.group_user")
        root = self.env.ref("clinic_membership.menu_clinic_root")
        visible = self.env["ir.ui.menu"].with_user(employee)._visible_menu_ids()
        self.assertNotIn(root.id, visible)
        manager = new_test_user(self.env, "t_manager", groups="clinic_membership.group_clinic_manager")
        self.assertIn(root.id, self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids())
