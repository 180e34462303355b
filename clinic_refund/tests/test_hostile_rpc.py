"""The attacks, made the way a hostile user makes them: JSON-RPC calls of the web client's own routes.

Every refused call answers with one of Odoo's clean errors (never a database or Python error), and
nothing moved; the legitimate call beside them goes through.
"""

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .test_hostile_stored_value import HostileCase

CLEAN_ERRORS = {"odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}


@tagged("post_install", "-at_install")
class TestHostileRpc(HttpCase, HostileCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.frontdesk, cls.manager, cls.accountant, cls.portal):
            user.password = cls.password_of(user)

    @staticmethod
    def password_of(user):
        return f"{user.login}-Secret-2026"

    def call(self, user, model, method, *args, **kwargs):
        self.authenticate(user.login, self.password_of(user))
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def assertRpcRefused(self, user, model, method, *args, **kwargs):
        before = self.money()
        with self.assertRaises(JsonRpcException) as caught:
            self.call(user, model, method, *args, **kwargs)
        self.assertIn(str(caught.exception), CLEAN_ERRORS, "a clean refusal, not a database or Python error")
        self.assertEqual(self.money(), before)

    def test_ledger_state_and_reviews_over_rpc(self):
        contract = self.active_contract()
        forged_context = {"clinic_flow": True, "skip_validation_check": True, "clinic_tier_reason": "upgrade"}
        self.assertRpcRefused(
            self.frontdesk,
            "clinic.stored.value.move",
            "create",
            [{"contract_id": contract.id, "move_type": "topup", "amount_principal": 50000.0}],
            context=forged_context,
        )
        self.assertRpcRefused(
            self.frontdesk,
            "clinic.stored.value.move",
            "_post_rows",
            [{"contract_id": contract.id, "move_type": "topup", "amount_principal": 50000.0}],
        )
        self.assertRpcRefused(
            self.frontdesk,
            "clinic.prepaid.contract",
            "write",
            [contract.id],
            {"state": "draft"},
            context=forged_context,
        )
        request = self.file_request(self.consumed_contract())
        request.action_submit()
        self.assertRpcRefused(
            self.accountant,
            "clinic.refund.request",
            "write",
            [request.id],
            {"state": "approved"},
            context=forged_context,
        )
        self.assertRpcRefused(
            self.frontdesk,
            "tier.review",
            "write",
            request.review_ids.ids,
            {"status": "approved"},
            context=forged_context,
        )
        self.assertRpcRefused(self.frontdesk, "tier.review", "unlink", request.review_ids.ids)
        self.assertRpcRefused(self.frontdesk, "clinic.refund.request", "restart_validation", [request.id])

    def test_member_fields_and_points_over_rpc(self):
        member = self.env["res.partner"].create({"name": "RPC member"})
        member.action_enrol_member()
        gold = self.env.ref("clinic_membership.tier_gold")
        self.assertRpcRefused(self.frontdesk, "res.partner", "write", [member.id], {"points_balance": 1000000})
        self.assertRpcRefused(self.frontdesk, "res.partner", "write", [member.id], {"qualifying_spend": 999999.0})
        self.assertRpcRefused(
            self.frontdesk,
            "res.partner",
            "write",
            [member.id],
            {"tier_id": gold.id},
            context={"clinic_tier_reason": "upgrade", "clinic_flow": True},
        )
        self.assertRpcRefused(
            self.frontdesk,
            "clinic.points.move",
            "create",
            [{"partner_id": member.id, "move_type": "earn", "points": 1000000}],
        )
        self.assertRpcRefused(self.frontdesk, "res.partner", "create", [{"name": "Half member", "tier_id": gold.id}])
        created = self.call(
            self.frontdesk,
            "res.partner",
            "create",
            [{"name": "Kanban quick create"}],
            context={"default_tier_id": gold.id},
        )
        self.assertFalse(self.env["res.partner"].browse(created).tier_id, "no half member from a context default")

    def test_bad_input_over_rpc_gets_a_clean_error(self):
        contract = self.active_contract()
        for amount in (float("nan"), float("inf"), "abc", [1], 1e15):
            with self.subTest(amount=amount):
                self.assertRpcRefused(
                    self.frontdesk,
                    "clinic.stored.value.topup",
                    "create",
                    [{"contract_id": contract.id, "journal_id": self.bank_journal.id, "amount": amount}],
                )
        self.assertRpcRefused(
            self.manager,
            "clinic.prepaid.contract",
            "create",
            [{"partner_id": self.partner.id, "cooling_off_days": 2**40}],
        )
        self.assertRpcRefused(
            self.frontdesk,
            "clinic.stored.value.topup",
            "create",
            [{"contract_id": contract.id, "journal_id": self.bank_journal.id, "date": "2026-02-30"}],
        )

    def test_portal_and_gl_over_rpc(self):
        contract = self.active_contract(partner=self.portal.partner_id)
        contract.note = "staff only"
        self.assertRpcRefused(self.portal, "clinic.prepaid.contract", "read", [contract.id], ["note"])
        self.assertEqual(
            self.call(self.portal, "clinic.prepaid.contract", "read", [contract.id], ["balance_principal"])[0][
                "balance_principal"
            ],
            3000.0,
        )
        misc = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "general")], limit=1
        )
        entry = self.call(
            self.accountant,
            "account.move",
            "create",
            [
                {
                    "move_type": "entry",
                    "journal_id": misc.id,
                    "line_ids": [
                        Command.create({"account_id": self.liability.id, "partner_id": self.partner.id, "credit": 500}),
                        Command.create({"account_id": self.bank_journal.default_account_id.id, "debit": 500}),
                    ],
                }
            ],
        )
        self.assertRpcRefused(self.accountant, "account.move", "action_post", entry)

    def test_front_desk_top_up_over_rpc(self):
        contract = self.create_contract(principal=3000.0, bonus=0.0)
        self.upload_scan(contract)
        contract.action_activate()
        wizard = self.call(
            self.frontdesk,
            "clinic.stored.value.topup",
            "create",
            [{"contract_id": contract.id, "journal_id": self.bank_journal.id}],
        )
        self.call(self.frontdesk, "clinic.stored.value.topup", "action_confirm", wizard)
        self.assertEqual(contract.balance_principal, 3000.0)
        self.assertEqual(self.liability_balance(), 3000.0)

    def test_settlement_over_rpc(self):
        request = self.file_request(self.consumed_contract())
        request.with_user(self.manager)._propose_settlement(
            {"amount": 1000.0, "reason": "协商", "date_due": self.today, "basis": "agreement"}
        )
        settlement = request.settlement_id
        forged_context = {"clinic_flow": True, "skip_validation_check": True}
        for user in (self.frontdesk, self.manager, self.accountant, self.portal):
            self.assertRpcRefused(
                user, "clinic.refund.request", "write", [request.id], {"agreed_amount": 3000.0}, context=forged_context
            )
            self.assertRpcRefused(
                user, "clinic.refund.settlement", "write", [settlement.id], {"state": "signed"}, context=forged_context
            )
            self.assertRpcRefused(
                user,
                "clinic.refund.settlement",
                "create",
                [{"request_id": request.id, "amount": 3000.0, "date_due": str(self.today), "state": "signed"}],
                context=forged_context,
            )
            self.assertRpcRefused(
                user,
                "clinic.refund.request",
                "_propose_settlement",
                [request.id],
                {"amount": 3000.0, "reason": "x", "date_due": str(self.today)},
            )
        # the front desk may not open the negotiation at all; a manager's proposal above the principal is refused
        self.assertRpcRefused(self.frontdesk, "clinic.refund.request", "action_propose_settlement", [request.id])
        wizard = self.call(
            self.manager,
            "clinic.refund.settlement.propose",
            "create",
            [{"request_id": request.id, "amount": 1e6, "reason": "x", "date_due": str(self.today)}],
        )
        self.assertRpcRefused(self.manager, "clinic.refund.settlement.propose", "action_confirm", wizard)
        self.assertEqual((settlement.amount, settlement.state, request.settlement_id), (1000.0, "draft", settlement))

    def test_package_sessions_over_rpc(self):
        contract = self.package_contract(principal=6000.0)
        line = contract.package_line_ids
        unpaid = self.package_contract(paid=False).package_line_ids
        forged_context = {"clinic_flow": True, "default_sessions": 60, "default_package_line_id": line.id}
        for user in (self.frontdesk, self.manager, self.accountant, self.portal):
            for vals in ({"sessions_used": 0}, {"sessions_total": 60}, {"unit_price": 0.01}, {"amount_remaining": 1e6}):
                self.assertRpcRefused(
                    user, "clinic.contract.package.line", "write", [line.id], vals, context=forged_context
                )
            self.assertRpcRefused(
                user,
                "clinic.contract.package.line",
                "create",
                [{"contract_id": contract.id, "package_id": line.package_id.id}],
                context=forged_context,
            )
            self.assertRpcRefused(user, "clinic.contract.package.line", "unlink", [line.id])
            self.assertRpcRefused(user, "clinic.contract.package.line", "_redeem_sessions", [line.id], 1)
            self.assertRpcRefused(
                user,
                "clinic.stored.value.move",
                "create",
                [{"contract_id": contract.id, "move_type": "reversal", "package_line_id": line.id, "sessions": 6}],
                context=forged_context,
            )
        for package_line, quantity in ((line, 7), (line, -1), (unpaid, 1)):
            wizard = self.call(
                self.frontdesk,
                "clinic.session.redeem",
                "create",
                [
                    {
                        "partner_id": package_line.partner_id.id,
                        "package_line_id": package_line.id,
                        "quantity": quantity,
                        "practitioner_id": self.manager.id,
                    }
                ],
            )
            self.assertRpcRefused(self.frontdesk, "clinic.session.redeem", "action_confirm", wizard)
        # the legitimate redemption beside them goes through, for the member whose package it is
        wizard = self.call(
            self.frontdesk,
            "clinic.session.redeem",
            "create",
            [
                {
                    "partner_id": self.partner.id,
                    "package_line_id": line.id,
                    "quantity": 2,
                    "practitioner_id": self.manager.id,
                }
            ],
        )
        self.call(self.frontdesk, "clinic.session.redeem", "action_confirm", wizard)
        self.assertEqual((line.sessions_remaining, line.amount_remaining), (4, 3333.34))
        self.assertReconciled()

    def test_opening_balances_over_rpc(self):
        """The migration flow is a manager's: staff neither create opening rows nor post them, and the
        manager gives no posted state nor the records posting makes."""
        since = "2024-01-15"
        row = {"member_number": "RPC-OLD-1", "name": "迁移会员", "member_since": since, "opening_points": 500}
        self.assertRpcRefused(self.frontdesk, "clinic.member.opening", "create", [row])
        self.assertRpcRefused(self.accountant, "clinic.member.opening", "create", [row])
        self.assertRpcRefused(
            self.manager, "clinic.member.opening", "create", [{**row, "state": "posted", "member_id": self.partner.id}]
        )
        draft = self.call(self.manager, "clinic.member.opening", "create", [row])  # the new ids
        self.assertRpcRefused(self.frontdesk, "clinic.member.opening", "action_post", draft)
        self.assertRpcRefused(self.frontdesk, "clinic.member.opening", "write", draft, {"opening_points": 10**6})
        self.assertRpcRefused(self.manager, "clinic.member.opening", "_do_post", draft)
        self.assertFalse(self.env["res.partner"].search([("member_number", "=", "RPC-OLD-1")]))
        self.call(self.manager, "clinic.member.opening", "action_post", draft)
        member = self.env["res.partner"].search([("member_number", "=", "RPC-OLD-1")])
        self.assertEqual(member.points_balance, 500)
        self.assertRpcRefused(self.manager, "clinic.member.opening", "write", draft, {"opening_points": 10**6})
        self.assertEqual(member.points_balance, 500)
