"""Members ask for a refund in the portal: a draft for the front desk, never another member's contract."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestPortalRefund(StoredValueCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_user = new_test_user(cls.env, "rf_portal_member", name="钱会员", groups="base.group_portal")
        cls.other_user = new_test_user(cls.env, "rf_portal_other", groups="base.group_portal")
        cls.staff = new_test_user(
            cls.env, "rf_portal_staff", name="孙顾问", groups="base.group_user,clinic_membership.group_clinic_user"
        )

    def member_contract(self):
        contract = self.active_contract(principal=3000.0, bonus=0.0, partner=self.member_user.partner_id)
        contract.user_id = self.staff
        self.pay(self.create_invoice(1000.0, partner=self.member_user.partner_id), contract=contract)
        return contract

    def post_request(self, contract, reason="dissatisfied", files=None):
        page = self.url_open(f"/my/prepaid-contracts/{contract.id}/refund")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        return self.url_open(
            f"/my/prepaid-contracts/{contract.id}/refund/submit",
            data={"csrf_token": token, "reason": reason, "description": "搬家了 <script>alert(1)</script>"},
            files=files or {},
        )

    def test_a_member_asks_and_the_request_lands_as_a_draft(self):
        contract = self.member_contract()
        self.authenticate(self.member_user.login, self.member_user.login)
        page = self.url_open(f"/my/prepaid-contracts/{contract.id}/refund?reason=service_not_provided")
        self.assertEqual(page.status_code, 200)
        self.assertIn("2,000.00", page.text, "the quote the rules give today")
        response = self.post_request(
            contract, "service_not_provided", {"files": ("chat.png", b"\x89PNG chat", "image/png")}
        )
        self.assertIn("refund_asked=1", response.url)
        request = self.env["clinic.refund.request"].search([("contract_id", "=", contract.id)])
        self.assertEqual(
            (request.state, request.reason, request.user_id), ("draft", "service_not_provided", self.staff)
        )
        self.assertEqual(request.request_date, self.today)
        self.assertEqual(sorted(request.evidence_ids.mapped("evidence_type")), ["contract", "other", "payment_voucher"])
        self.assertIn(self.staff, request.activity_ids.user_id, "the front desk gets a to-do")
        self.assertEqual(request.description, "搬家了 <script>alert(1)</script>", "kept as text, shown escaped")
        # the same member cannot send a second request while this one is handled
        self.assertFalse(contract._clinic_portal_can_ask_refund())

    def test_a_member_never_reaches_another_members_contract(self):
        contract = self.member_contract()
        self.authenticate(self.other_user.login, self.other_user.login)
        page = self.url_open(f"/my/prepaid-contracts/{contract.id}/refund")
        self.assertNotIn("/refund/submit", page.text)
        account = self.url_open("/my/account")
        token = account.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open(
            f"/my/prepaid-contracts/{contract.id}/refund/submit", data={"csrf_token": token, "reason": "other"}
        )
        self.assertTrue(response.url.endswith("/my"))
        self.assertFalse(self.env["clinic.refund.request"].search([("contract_id", "=", contract.id)]))

    def test_the_whole_refund_in_the_browser(self):
        self.activate_zh_cn()
        (self.frontdesk | self.manager | self.accountant | self.staff).lang = "zh_CN"  # the clinic works in Chinese
        contract = self.member_contract()
        self.start_tour(
            f"/my/prepaid-contracts/{contract.id}", "clinic_refund_portal_ask_tour", login=self.member_user.login
        )
        request = self.env["clinic.refund.request"].search([("contract_id", "=", contract.id)])
        self.assertEqual(request.state, "draft")
        self.start_tour(
            f"/odoo/action-clinic_refund.clinic_refund_request_action/{request.id}",
            "clinic_refund_request_submit_tour",
            login=self.frontdesk.login,
        )
        self.assertEqual(request.state, "to_approve")
        self.start_tour(
            f"/odoo/action-clinic_refund.clinic_refund_request_action/{request.id}",
            "clinic_refund_request_approve_tour",
            login=self.manager.login,
        )
        self.assertEqual(request.state, "approved")
        self.start_tour(
            f"/odoo/action-clinic_refund.clinic_refund_request_action/{request.id}",
            "clinic_refund_request_pay_tour",
            login=self.accountant.login,
        )
        self.assertEqual(request.state, "paid")
        self.start_tour(
            f"/my/prepaid-contracts/{contract.id}", "clinic_refund_portal_paid_tour", login=self.member_user.login
        )
        self.assertEqual(self.liability_balance(self.member_user.partner_id), 0.0)
