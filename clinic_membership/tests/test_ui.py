from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestClinicUi(HttpCase):
    def test_manager_opens_clinic_app(self):
        new_test_user(
            self.env, "tour_manager", groups="base.group_user,clinic_membership.group_clinic_manager"
        )
        self.start_tour("/odoo", "clinic_membership_menu_tour", login="tour_manager")
