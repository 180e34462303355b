from unittest.mock import patch

from odoo.addons.clinic_refund.models.clinic_signature_mixin import ClinicSignatureMixin
from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase, make_pdf


@tagged("post_install", "-at_install")
class TestPrepaidContractPortal(StoredValueCase, HttpCase):
    def test_member_sees_own_contracts_and_balance(self):
        portal = new_test_user(self.env, "sv_portal_member", groups="base.group_portal")
        own = self.active_contract(principal=2000.0, bonus=300.0, partner=portal.partner_id)
        other = self.active_contract(principal=500.0, bonus=0.0)
        self.authenticate(portal.login, portal.login)
        page = self.url_open("/my/prepaid-contracts")
        self.assertEqual(page.status_code, 200)
        self.assertIn(own.name, page.text)
        self.assertNotIn(other.name, page.text)
        self.assertIn("2,000.00", page.text)
        detail = self.url_open(f"/my/prepaid-contracts/{own.id}")
        self.assertIn("o_clinic_stored_value_row", detail.text)
        self.assertIn("Cooling-off", detail.text)
        refused = self.url_open(f"/my/prepaid-contracts/{other.id}")
        self.assertNotIn(other.name, refused.text)

    def test_member_sees_own_packages_and_sessions(self):
        portal = new_test_user(self.env, "sv_portal_course", groups="base.group_portal")
        portal.partner_id.action_enrol_member()
        package = self.create_package()
        own = self.package_contract(package, partner=portal.partner_id)
        other = self.package_contract(self.create_package(name="水光针 10 次", sessions=10, price=9000.0))
        own.package_line_ids._redeem_sessions(2)
        self.authenticate(portal.login, portal.login)
        page = self.url_open("/my/prepaid-contracts").text
        self.assertIn("光子嫩肤 6 次", page)
        self.assertIn("<strong>4</strong> / 6", page)
        self.assertNotIn("水光针 10 次", page)
        detail = self.url_open(f"/my/prepaid-contracts/{own.id}").text
        self.assertEqual(detail.count("o_clinic_session_row"), 1, "the history of the sessions")
        self.assertNotIn("水光针", self.url_open(f"/my/prepaid-contracts/{other.id}").text)
        membership = self.url_open("/my/membership").text
        self.assertIn("o_clinic_sessions_left", membership)
        card = (
            self.env["ir.actions.report"]
            ._render_qweb_html("clinic_membership.action_report_member_card", portal.partner_id.ids)[0]
            .decode()
        )
        self.assertIn("光子嫩肤 6 次", card)
        self.assertIn("<strong>4</strong> / 6", card)

    def test_member_is_offered_to_sign_a_sent_contract(self):
        portal = new_test_user(self.env, "sv_portal_signer", groups="base.group_portal")
        contract = self.create_contract(partner=portal.partner_id)
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.name)):
            contract.action_send_for_signature()
        signer = contract.sign_request_id.signer_ids
        self.authenticate(portal.login, portal.login)
        detail = self.url_open(f"/my/prepaid-contracts/{contract.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn(signer.access_url, detail.text)
