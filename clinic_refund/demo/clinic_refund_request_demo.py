import base64

from odoo import api, models
from odoo.addons.clinic_membership.demo.demo_language import demo_language


class ClinicRefundRequest(models.Model):
    _inherit = "clinic.refund.request"

    @api.model
    def _create_demo_requests(self):
        return self.with_env(demo_language(self.env, "clinic_refund"))._clinic_demo_requests()

    @api.model
    def _clinic_demo_requests(self):
        """A draft, a request waiting for approval, a paid refund and a rejected one under dispute."""
        contracts = self.env["clinic.prepaid.contract"].search(
            [("state", "=", "active"), ("company_id", "=", self.env.ref("base.main_company").id)], order="id"
        )
        if len(contracts) < 3 or self.search_count([], limit=1):
            return
        users = {
            key: self.env.ref(f"clinic_membership.user_clinic_{key}", raise_if_not_found=False)
            for key in ("frontdesk", "manager", "director", "accountant")
        }
        if not all(users.values()):
            return
        evidence = [
            (
                0,
                0,
                {
                    "evidence_type": kind,
                    "filename": f"{kind}.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 demo " + kind.encode()),
                },
            )
            for kind in ("contract", "payment_voucher", "communication")
        ]
        Request = self.with_user(users["frontdesk"]).with_context(tracking_disable=True)

        def request(contract, reason, description):
            return Request.create(
                {
                    "partner_id": contract.partner_id.id,
                    "contract_id": contract.id,
                    "reason": reason,
                    "description": description,
                    "evidence_ids": evidence,
                }
            )

        rejected = request(contracts[0], "other", "会员搬家, 希望退款。")
        rejected.action_submit()
        action = rejected.with_user(users["manager"]).reject_tier()
        self.env["comment.wizard"].with_user(users["manager"]).with_context(**action["context"]).create(
            {"comment": "会员已消费的疗程不在退款范围内。"}
        ).add_comment()
        rejected.write({"dispute_channel": "12315", "dispute_reference": "12315-2026-0815"})
        negotiated = request(contracts[0], "dissatisfied", "会员对疗程效果不满意, 申请退还剩余储值。")
        self._clinic_demo_settlement(negotiated, users["manager"])
        waiting = request(contracts[1], "treatment_cancelled", "医生停诊, 预约的疗程取消。")
        waiting.action_submit()
        waiting.with_user(users["manager"]).validate_tier()
        bank = self.env["account.journal"].search(
            [("company_id", "=", contracts[2].company_id.id), ("type", "=", "bank")], limit=1
        )
        paid = request(contracts[2], "dissatisfied", "会员决定不再继续疗程。")
        paid.action_submit()
        paid.with_user(users["manager"]).validate_tier()
        if paid.state == "to_approve":
            paid.with_user(users["director"]).validate_tier()
        if bank and paid.state == "approved":
            paid.with_user(users["accountant"])._pay(bank)

    @api.model
    def _clinic_demo_settlement(self, request, manager):
        """The clinic and the member agree on a little more than the terms give: a goodwill refund
        waiting for its agreement to be signed."""
        currency = request.currency_id
        amount = min(currency.round(request.amount_refundable * 1.1), request.contract_id.balance_principal)
        if currency.compare_amounts(amount, 0.0) <= 0:
            return
        request.with_user(manager)._propose_settlement(
            {
                "basis": "agreement",
                "amount": amount,
                "reason": "会员长期到店，疗程效果未达预期，经协商诊所多退一成作为补偿。",
                "payment_method": "bank_transfer",
                "date_due": request.date_due,
            }
        )
