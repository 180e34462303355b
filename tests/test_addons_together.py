from odoo.tests import TransactionCase, tagged

ADDONS = ("clinic_membership", "clinic_refund", "clinic_campaign")


@tagged("post_install", "-at_install")
class TestAddonsTogether(TransactionCase):
    def test_all_three_addons_installed(self):
        modules = self.env["ir.module.module"].search([("name", "in", ADDONS)])
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 3)

    def test_company_works_in_cny(self):
        self.assertEqual(self.env.ref("base.main_company").currency_id.name, "CNY")
