from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_under_clinic_menu(self):
        module = self.env["ir.module.module"].search([("name", "=", "clinic_campaign")])
        self.assertEqual(module.state, "installed")

    def test_demo_data_renders_no_pdf(self):
        """The demo's event registrations schedule no ticket mail: wkhtmltopdf would render their PDFs
        from an Odoo server that is still installing (a first start once sat 12 minutes there)."""
        self.assertIn(
            self.env["ir.actions.report"].get_wkhtmltopdf_state(),
            ("ok", "upgrade", "workers"),
            "this test needs wkhtmltopdf (./clinic test installs it where it can)",
        )
        salon = self.env.ref("clinic_campaign.event_salon_demo")
        (salon | self.env.ref("clinic_campaign.event_beauty_class_demo")).registration_ids.unlink()
        # the report engine renders PDFs as it does outside tests
        campaigns = self.env["utm.campaign"].with_context(force_report_rendering=True)
        with self.assertNoLogs("odoo.addons.base.models.ir_actions_report", "INFO"):
            campaigns._clinic_create_demo_data()
        self.assertTrue(salon.registration_ids, "the demo registered its members again")
