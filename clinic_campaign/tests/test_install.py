from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_under_clinic_menu(self):
        module = self.env["ir.module.module"].search([("name", "=", "clinic_campaign")])
        self.assertEqual(module.state, "installed")
