"""What the second adversarial run got through, as the role that did it: refused, and nothing moved.

- posted journal items of the stored-value liability rewritten (member, account) or an invoice
  line moved onto the liability, in-process and over JSON-RPC;
- another company's contract topped up by the front desk, adjusted by a manager or a director;
- a second refund request submitted while the first waits for its approval;
- the last try of a request that meets a concurrent update: a clean "try again", never a
  database error.
"""

import json
from unittest.mock import patch

import odoo.service.model
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_hostile_rpc import TestHostileRpc
from .test_hostile_stored_value import HostileCase


def new_branch(env, name):
    """A second clinic with its own Chinese chart, stored-value journal and bank."""
    branch = env["res.company"].create(
        {"name": name, "country_id": env.ref("base.cn").id, "currency_id": env.company.currency_id.id}
    )
    env["account.chart.template"].try_loading("cn", company=branch, install_demo=False)
    return branch


@tagged("post_install", "-at_install")
class TestHostileJournalItems(HostileCase):
    def _liability_line(self, entry):
        return entry.line_ids.filtered(lambda line: line.account_id == self.liability)

    def test_posted_liability_items_keep_their_member_and_account(self):
        contract = self.active_contract()
        topup_entry = contract.move_ids.account_move_id
        line = self._liability_line(topup_entry)
        other_member = self.env["res.partner"].create({"name": "另一位会员 other member"})
        other_account = self.env["account.account"].search(
            [
                ("company_ids", "in", self.company.id),
                ("account_type", "=", "liability_current"),
                ("id", "!=", self.liability.id),
            ],
            limit=1,
        )
        for vals in (
            {"partner_id": other_member.id},
            {"account_id": other_account.id},
            {"balance": -1.0},
            {"partner_id": other_member.id, "account_id": other_account.id},
        ):
            self.assertRefusedAndNothingMoved(lambda lines, vals=vals: lines.write(vals), line)
        self.assertRefusedAndNothingMoved(lambda lines: lines.unlink(), line)

    def test_a_posted_invoice_line_cannot_be_moved_onto_the_liability(self):
        self.active_contract()
        invoice = self.create_invoice(500.0)
        revenue_line = invoice.line_ids.filtered(lambda line: line.display_type == "product")
        self.assertRefusedAndNothingMoved(lambda lines: lines.write({"account_id": self.liability.id}), revenue_line)
        receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertRefusedAndNothingMoved(lambda lines: lines.write({"account_id": self.liability.id}), receivable)

    def test_no_item_is_added_to_a_posted_stored_value_entry(self):
        contract = self.active_contract()
        entry = contract.move_ids.account_move_id
        bank_line = entry.line_ids.filtered(lambda line: line.account_id != self.liability)
        self.assertRefusedAndNothingMoved(
            lambda moves: moves.write(
                {
                    "line_ids": [
                        Command.create(
                            {"account_id": self.liability.id, "partner_id": self.partner.id, "credit": 50.0}
                        ),
                        Command.create({"account_id": bank_line.account_id.id, "debit": 50.0}),
                    ]
                }
            ),
            entry,
        )

    def test_a_draft_entry_on_the_liability_is_not_posted_by_the_superuser_s_cron(self):
        """Only the ledger's entries carry its mark: Odoo's auto-post cron (superuser) leaves a user's
        draft entry on the liability in draft, with the reason in its chatter."""
        self.active_contract()
        misc = self.env["account.journal"].search([("company_id", "=", self.company.id), ("type", "=", "general")])[:1]
        entry = (
            self.env["account.move"]
            .with_user(self.accountant)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": misc.id,
                    "date": self.today,
                    "auto_post": "at_date",
                    "checked": True,
                    "line_ids": [
                        Command.create(
                            {"account_id": self.liability.id, "partner_id": self.partner.id, "debit": 500.0}
                        ),
                        Command.create({"account_id": self.bonus_account.id, "credit": 500.0}),
                    ],
                }
            )
        )
        before = self.money()
        self.env["account.move"]._autopost_draft_entries()
        self.assertEqual(entry.state, "draft")
        self.assertEqual(self.money(), before)
        with self.assertRaises(UserError):
            entry.with_user(self.accountant).write({"clinic_stored_value_entry": True})

    def test_nobody_gives_the_ledger_s_marks_or_the_freeze(self):
        """The marks that let an entry or a payment move the liability, and the refund under way
        that freezes a contract, are the application's: refused to every role, nothing moved."""
        contract = self.active_contract()
        request = self.file_request(contract)
        payment_vals = {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.partner.id,
            "amount": 100.0,
            "journal_id": self.bank_journal.id,
            "clinic_stored_value_payment": True,
        }
        Payments = self.env["account.payment"]
        self.assertRefusedAndNothingMoved(lambda payments: payments.create(payment_vals), Payments)
        topup_payment = contract.move_ids.payment_id
        self.assertRefusedAndNothingMoved(
            lambda payments: payments.write({"clinic_stored_value_payment": False}), topup_payment
        )
        self.assertRefusedAndNothingMoved(
            lambda contracts: contracts.write({"open_refund_request_id": request.id}), contract
        )
        self.assertFalse(contract.open_refund_request_id)

    def test_other_items_of_posted_entries_keep_odoo_behaviour(self):
        """Only the liability is ours: a posted invoice's label still changes as in Odoo."""
        invoice = self.create_invoice(300.0)
        line = invoice.line_ids.filtered(lambda item: item.display_type == "product")
        line.with_user(self.frontdesk).write({"name": "水光针 treatment"})
        self.assertEqual(line.name, "水光针 treatment")


@tagged("post_install", "-at_install")
class TestHostileOtherCompany(HostileCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = new_branch(cls.env, "分院 Branch clinic")
        cls.branch_member = cls.env["res.partner"].create(
            {"name": "分院会员 branch member", "company_id": cls.branch.id}
        )

    def _branch_contract(self, topped_up=True):
        env = self.env(context=dict(self.env.context, allowed_company_ids=self.branch.ids))
        contract = env["clinic.prepaid.contract"].create(
            {"partner_id": self.branch_member.id, "company_id": self.branch.id, "amount_principal": 3000.0}
        )
        contract._set_signed_document(b"%PDF-1.4 signed", "signed.pdf", "分院会员", self.today, "paper")
        contract.action_activate()
        if topped_up:
            env["clinic.stored.value.topup"].create(
                {"contract_id": contract.id, "amount": 1000.0, "journal_id": self._branch_journal().id}
            ).action_confirm()
        return contract

    def _branch_journal(self):
        return self.env["account.journal"].search([("company_id", "=", self.branch.id), ("type", "=", "bank")], limit=1)

    def test_front_desk_cannot_top_up_another_company_s_contract(self):
        contract = self._branch_contract()
        journal = self._branch_journal()  # what an attacker sends: the branch's own bank, by its id
        for user in (self.frontdesk, self.manager, self.director):
            with self.subTest(user=user.login):
                before = self.money()
                with self.assertRaises(AccessError):
                    Topup = self.env["clinic.stored.value.topup"].with_user(user)
                    Topup.create(
                        {"contract_id": contract.id, "amount": 100.0, "journal_id": journal.id}
                    ).action_confirm()
                self.assertEqual(self.money(), before)

    def test_managers_cannot_adjust_another_company_s_contract(self):
        contract = self._branch_contract()
        for user in (self.manager, self.director):
            with self.subTest(user=user.login):
                before = self.money()
                with self.assertRaises(AccessError):
                    self.env["clinic.stored.value.adjust"].with_user(user).create(
                        {"contract_id": contract.id, "amount_bonus": 500.0, "reason": "跨院调整 cross-company"}
                    ).action_confirm()
                self.assertEqual(self.money(), before)

    def test_nobody_files_a_refund_on_another_company_s_contract(self):
        contract = self._branch_contract()
        before = self.money()
        with self.assertRaises(AccessError):
            self.file_request(contract, user=self.frontdesk)
        self.assertEqual(self.money(), before)

    def test_the_branch_s_own_staff_still_top_up(self):
        contract = self._branch_contract(topped_up=False)
        branch_desk = new_test_user(
            self.env,
            "branch_desk",
            groups="base.group_user,clinic_membership.group_clinic_user,account.group_account_invoice",
            company_id=self.branch.id,
            company_ids=[Command.set(self.branch.ids)],
        )
        Topup = self.env["clinic.stored.value.topup"].with_user(branch_desk).with_company(self.branch)
        Topup.create(
            {"contract_id": contract.id, "amount": 500.0, "journal_id": self._branch_journal().id}
        ).action_confirm()
        self.assertEqual(contract.balance_principal, 500.0)


@tagged("post_install", "-at_install")
class TestOneRefundAtATime(HostileCase):
    def test_a_second_request_waits_for_the_first(self):
        contract = self.active_contract()
        first = self.file_request(contract)
        second = self.file_request(contract)
        first.with_user(self.frontdesk).action_submit()
        self.assertEqual(contract.open_refund_request_id, first, "the freeze is on the contract's own row")
        before = self.money()
        with self.assertRaisesRegex(UserError, "already has a refund under way"):
            second.with_user(self.frontdesk).action_submit()
        self.assertEqual(self.money(), before)
        self.assertEqual(second.state, "draft")

    def test_two_drafts_of_one_contract_submitted_together(self):
        contract = self.active_contract()
        requests = self.file_request(contract) | self.file_request(contract)
        before = self.money()
        with self.assertRaisesRegex(UserError, "one refund request per contract"):
            requests.with_user(self.frontdesk).action_submit()
        self.assertEqual(self.money(), before)

    def test_a_cancelled_request_lifts_the_freeze(self):
        contract = self.active_contract()
        first = self.file_request(contract)
        first.with_user(self.frontdesk).action_submit()
        first.with_user(self.frontdesk).action_cancel()
        self.assertFalse(contract.open_refund_request_id)
        second = self.file_request(contract)
        second.with_user(self.frontdesk).action_submit()
        self.assertEqual(contract.open_refund_request_id, second)


@tagged("post_install", "-at_install")
class TestHostileSecondRunOverRpc(TestHostileRpc):
    def test_liability_items_over_rpc(self):
        contract = self.active_contract()
        line = contract.move_ids.account_move_id.line_ids.filtered(lambda item: item.account_id == self.liability)
        other = self.env["res.partner"].create({"name": "RPC other member"})
        self.assertRpcRefused(self.frontdesk, "account.move.line", "write", line.ids, {"partner_id": other.id})
        invoice = self.create_invoice(200.0)
        product_line = invoice.line_ids.filtered(lambda item: item.display_type == "product")
        self.assertRpcRefused(
            self.frontdesk, "account.move.line", "write", product_line.ids, {"account_id": self.liability.id}
        )

    def test_another_company_s_contract_over_rpc(self):
        branch = new_branch(self.env, "RPC 分院")
        member = self.env["res.partner"].create({"name": "RPC 分院会员", "company_id": branch.id})
        env = self.env(context=dict(self.env.context, allowed_company_ids=branch.ids))
        contract = env["clinic.prepaid.contract"].create(
            {"partner_id": member.id, "company_id": branch.id, "amount_principal": 1000.0, "amount_bonus": 0.0}
        )
        contract._set_signed_document(b"%PDF-1.4 signed", "signed.pdf", member.name, self.today, "paper")
        contract.action_activate()
        branch_bank = self.env["account.journal"].search(
            [("company_id", "=", branch.id), ("type", "=", "bank")], limit=1
        )
        before = self.money()
        self.authenticate(self.frontdesk.login, self.password_of(self.frontdesk))
        wizard = self.make_jsonrpc_request(
            "/web/dataset/call_kw/clinic.stored.value.topup/create",
            {
                "model": "clinic.stored.value.topup",
                "method": "create",
                "args": [{"contract_id": contract.id, "amount": 100.0, "journal_id": branch_bank.id}],
                "kwargs": {},
            },
        )
        self.assertRpcRefused(self.frontdesk, "clinic.stored.value.topup", "action_confirm", [wizard])
        self.assertEqual(self.money(), before)

    def test_the_last_try_says_try_again(self):
        """A payment still meeting a concurrent update at Odoo's last try: a clean error, nothing paid."""
        contract = self.active_contract()
        invoice = self.create_invoice(100.0)

        def busy_wallet(records):
            records.env.cr.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'wallet busy' USING ERRCODE = 'serialization_failure'; END $$"
            )

        before = self.money()
        self.authenticate(self.frontdesk.login, self.password_of(self.frontdesk))
        wizard = self.make_jsonrpc_request(
            "/web/dataset/call_kw/clinic.stored.value.pay/create",
            {
                "model": "clinic.stored.value.pay",
                "method": "create",
                "args": [{"invoice_id": invoice.id, "contract_id": contract.id, "amount": 100.0}],
                "kwargs": {},
            },
        )
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "clinic.stored.value.pay",
                "method": "action_confirm",
                "args": [[wizard]],
                "kwargs": {},
            },
        }
        with (
            patch.object(odoo.service.model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 1),
            patch.object(type(contract), "_lock_stored_value", busy_wallet),
            mute_logger("odoo.http", "odoo.sql_db"),
        ):
            response = self.url_open(
                "/web/dataset/call_kw/clinic.stored.value.pay/action_confirm",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.UserError", "a clean refusal, not a database error")
        self.assertIn("try again", error["message"])
        self.assertEqual(self.money(), before)
