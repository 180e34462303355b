"""A treatment package in the browser: sold under a signed contract, two sessions redeemed by
scanning the member card, the rest refunded with a breakdown in sessions."""

import base64

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestPackageTour(StoredValueCase, HttpCase):
    def test_sell_redeem_and_refund_a_package(self):
        self.activate_zh_cn()
        frontdesk = new_test_user(
            self.env,
            "pk_tour_frontdesk",
            name="王前台",
            lang="zh_CN",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
            "account.group_account_invoice",
        )
        manager = new_test_user(
            self.env,
            "pk_tour_manager",
            name="李经理",
            lang="zh_CN",
            groups="base.group_user,clinic_membership.group_clinic_manager",
        )
        self.accountant.lang = "zh_CN"
        doctor = new_test_user(
            self.env,
            "pk_tour_doctor",
            name="陈医生",
            groups="base.group_user,clinic_membership.group_clinic_practitioner",
        )
        member = self.env["res.partner"].create({"name": "钱疗程", "phone": "+86 139 0000 1111"})
        member.action_enrol_member()
        member.sudo().write({"member_number": "M900001"})
        package = self.create_package(name="焕肤测试 6 次")

        self.start_tour(
            "/odoo/action-clinic_refund.clinic_prepaid_contract_action/new",
            "clinic_package_sell_tour",
            login=frontdesk.login,
        )
        contract = self.env["clinic.prepaid.contract"].search([("partner_id", "=", member.id)])
        line = contract.package_line_ids
        self.assertEqual((contract.state, contract.amount_principal, line.package_id), ("active", 5000.0, package))
        self.assertEqual(contract.balance_packages, 5000.0)

        self.start_tour(
            "/odoo/action-clinic_membership.res_partner_action_clinic_member",
            "clinic_package_redeem_tour",
            login=frontdesk.login,
        )
        self.assertEqual((line.sessions_used, line.sessions_remaining, line.amount_remaining), (2, 4, 3333.34))
        invoice = line.move_ids.invoice_id
        self.assertEqual((invoice.amount_total, invoice.clinic_practitioner_id), (1666.66, doctor))

        self.start_tour(
            "/odoo/action-clinic_refund.clinic_refund_request_action/new",
            "clinic_package_refund_tour",
            login=frontdesk.login,
        )
        request = self.env["clinic.refund.request"].search([("contract_id", "=", contract.id)])
        request.write(
            {
                "evidence_ids": [
                    Command.create(
                        {"evidence_type": kind, "datas": base64.b64encode(b"%PDF-1.4 evidence"), "filename": name}
                    )
                    for kind, name in (("contract", "合同.pdf"), ("payment_voucher", "付款凭证.pdf"))
                ]
            }
        )
        # the 4 sessions left at 833.33 (the last one 833.35): the package was paid today, so they come back
        # whole, with no fee (法释〔2025〕4号 art. 14: seven days from each payment)
        self.assertEqual((request.amount_refundable, request.fee_amount), (3333.34, 0.0))
        request.with_user(frontdesk).with_context(lang="zh_CN").action_submit()  # as the front desk reads it
        url = f"/odoo/action-clinic_refund.clinic_refund_request_action/{request.id}"
        self.start_tour(url, "clinic_refund_request_approve_tour", login=manager.login)
        self.start_tour(url, "clinic_refund_request_pay_tour", login=self.accountant.login)
        self.assertEqual(request.state, "paid")
        self.assertEqual(contract.state, "closed")
        self.assertEqual(line.sessions_remaining, 4, "the sessions left were refunded, not used")
        refund = request.stored_value_move_ids.filtered(lambda row: row.move_type == "refund")
        self.assertEqual(refund.amount_principal, -3333.34)
        self.assertEqual(self.liability_balance(member), 0.0)
