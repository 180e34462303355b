"""A negotiated refund in the browser: a manager proposes, the member signs, a manager approves,
an accountant pays."""

from unittest.mock import patch

from odoo.addons.clinic_refund.models.clinic_signature_mixin import ClinicSignatureMixin
from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase, make_pdf
from .test_contract_signature import sign_in_portal


@tagged("post_install", "-at_install")
class TestSettlementTour(StoredValueCase, HttpCase):
    def test_a_negotiated_refund_from_proposal_to_payment(self):
        self.activate_zh_cn()
        member_user = new_test_user(self.env, "st_tour_member", name="吴协商", lang="zh_CN", groups="base.group_portal")
        member = member_user.partner_id
        manager_2 = new_test_user(
            self.env,
            "st_tour_manager_2",
            name="赵主管",
            lang="zh_CN",
            groups="base.group_user,clinic_membership.group_clinic_manager",
        )
        (self.manager | self.accountant).lang = "zh_CN"
        contract = self.active_contract(
            principal=3000.0,
            bonus=1000.0,
            partner=member,
            refund_fee_percent=0.0,
            bonus_policy="forfeit",
            consumption_order="bonus_first",
        )
        self.pay(self.create_invoice(1000.0, partner=member), 1000.0, contract)  # all of it from the bonus
        request = self.file_request(contract)
        self.assertEqual(request.amount_refundable, 2000.0)
        url = f"/odoo/action-clinic_refund.clinic_refund_request_action/{request.id}"

        # wkhtmltopdf would call back this test server, which serves one request at a time in
        # tests: the agreement sent for signature is a PDF of its name instead of its print
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.display_name)):
            self.start_tour(url, "clinic_refund_settlement_propose_tour", login=self.manager.login)
        settlement = request.settlement_id
        self.assertEqual((settlement.amount, settlement.amount_quoted), (2500.0, 2000.0))
        self.assertEqual((request.state, settlement.state), ("to_approve", "sent"))

        self.start_tour(
            f"/my/prepaid-contracts/{contract.id}", "clinic_refund_settlement_portal_tour", login=member_user.login
        )
        # sign_oca's page signs with this call once the member drew their signature
        signer = sign_in_portal(self, member_user.login, settlement)
        self.assertEqual(settlement.state, "signed")
        self.assertEqual(settlement.signature_method, "electronic")
        signed_page = self.url_open(signer.access_url)
        self.assertIn("感谢您的签署", signed_page.text, "sign_oca's pages speak the member's Chinese")

        self.start_tour(url, "clinic_refund_request_approve_tour", login=manager_2.login)
        self.assertEqual(request.state, "approved")
        self.start_tour(url, "clinic_refund_request_pay_tour", login=self.accountant.login)
        self.assertEqual(request.state, "paid")
        refund = request.stored_value_move_ids.filtered(lambda r: r.move_type == "refund")
        self.assertEqual(refund.amount_principal, -2500.0)
        self.assertEqual(self.liability_balance(member), 0.0)
        self.assertReconciled()
