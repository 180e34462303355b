"""A member transfers her prepaid contract to another person (法释〔2025〕4号 art. 11)."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestContractTransfer(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sister = cls.env["res.partner"].create({"name": "王芳 (sister)", "email": "wf@example.com"})
        cls.Transfer = cls.env["clinic.contract.transfer"]

    def transfer(self, contract, to=None, user=None, signed=True, **vals):
        transfer = self.Transfer.with_user(user or self.frontdesk).create(
            {"contract_id": contract.id, "to_partner_id": (to or self.sister).id, **vals}
        )
        if signed:
            self.upload_scan_of(transfer)
        return transfer

    def upload_scan_of(self, transfer):
        wizard = (
            self.env["clinic.contract.scan.upload"]
            .with_user(self.frontdesk)
            .create(
                {
                    "transfer_id": transfer.id,
                    "scan_file": "JVBERi0xLjQgdHJhbnNmZXI=",
                    "scan_filename": "transfer.pdf",
                    "date_signed": self.today,
                }
            )
        )
        wizard.action_confirm()

    def test_the_transferee_holds_the_contract_and_its_balance_gl_equals_sub_ledger_for_both(self):
        contract = self.consumed_contract()  # 3,000 + 1,000 bonus, 1,000 used pro rata: 2,250 + 750 left
        rows_before = contract.move_ids
        transfer = self.transfer(contract)
        self.assertEqual(
            (transfer.state, transfer.signed_by, transfer.partner_id), ("signed", self.partner.name, self.partner)
        )
        transfer.with_user(self.frontdesk).action_confirm()
        self.assertEqual(transfer.state, "done")
        self.assertEqual(contract.partner_id, self.sister)
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2250.0, 750.0))
        self.assertEqual((transfer.amount_principal, transfer.amount_bonus), (2250.0, 750.0))
        out, into = transfer.stored_value_move_ids.sorted("id")
        self.assertEqual((out.partner_id, out.amount_principal, out.amount_bonus), (self.partner, -2250.0, -750.0))
        self.assertEqual((into.partner_id, into.amount_principal, into.amount_bonus), (self.sister, 2250.0, 750.0))
        self.assertEqual(out.account_move_id, into.account_move_id)
        self.assertEqual(set(rows_before.mapped("partner_id")), {self.partner}, "the history stays the transferor's")
        self.assertEqual(self.liability_balance(self.partner), 0.0)
        self.assertEqual(self.liability_balance(self.sister), 2250.0)
        rows = {row["partner_id"]: row for row in self.assertReconciled()}
        self.assertEqual((rows[self.sister.id]["subledger"], rows[self.sister.id]["gl"]), (2250.0, 2250.0))
        self.assertNotIn(self.partner.id, rows, "nothing left on the transferor, in either ledger")
        if self.env["clinic.membership.tier"]._tiers_by_company(self.company):
            self.assertTrue(self.sister.member_number, "the card is reissued in the new holder's name")

    def test_the_transferee_spends_and_asks_for_the_refund(self):
        contract = self.consumed_contract(refund_fee_percent=10.0)
        self.transfer(contract).action_confirm()
        self.pay(self.create_invoice(500.0, partner=self.sister), 500.0, contract)
        with self.assertRaises(UserError):
            self.pay(self.create_invoice(100.0), 100.0, contract)  # the transferor's own bill: no longer hers
        request = self.file_request(contract)
        self.assertEqual(request.partner_id, self.sister)
        self.assertGreater(request.amount_refundable, 0.0)
        request.action_submit()
        request.with_user(self.manager).validate_tier()
        self.pay_refund(request)
        payment = request.sudo().payment_id
        self.assertEqual(payment.partner_id, self.sister)
        self.assertEqual(self.liability_balance(self.sister), 0.0)
        self.assertEqual(self.liability_balance(self.partner), 0.0)

    def test_bad_transfers_are_refused_and_nothing_moves(self):
        contract = self.consumed_contract()
        with self.assertRaisesRegex(ValidationError, "already holds contract"):
            self.transfer(contract, to=self.partner, signed=False)
        archived = self.env["res.partner"].create({"name": "已归档", "active": False})
        with self.assertRaisesRegex(ValidationError, "is archived"):
            self.transfer(contract, to=archived, signed=False)
        transfer = self.transfer(contract, signed=False)
        with self.assertRaisesRegex(UserError, "once its notice is signed"):
            transfer.action_confirm()
        with self.assertRaisesRegex(UserError, "future date"):
            transfer.date_transfer = self.today + timedelta(days=2)
            self.upload_scan_of(transfer)
        transfer.date_transfer = self.today
        self.upload_scan_of(transfer)
        transfer.with_user(self.frontdesk).action_confirm()
        with self.assertRaisesRegex(UserError, "signed and unaltered|once its notice is signed"):
            transfer.with_user(self.frontdesk).action_confirm()  # twice
        self.assertEqual(len(transfer.stored_value_move_ids), 2)

    def test_another_companys_contract_is_refused_and_nothing_is_made(self):
        other = self.env["res.company"].create({"name": "Other clinic", "currency_id": self.currency.id})
        contract = self.create_contract(company_id=other.id)
        with self.assertRaises(AccessError):
            self.transfer(contract, signed=False)
        self.assertFalse(self.Transfer.sudo().search([("contract_id", "=", contract.id)]))

    def test_a_frozen_contract_is_not_transferred(self):
        contract = self.consumed_contract()
        self.file_request(contract).action_submit()
        transfer = self.transfer(contract, signed=False)
        with self.assertRaisesRegex(UserError, "refund under way"):
            self.upload_scan_of(transfer)
        self.assertEqual(contract.partner_id, self.partner)

    def test_nobody_writes_the_transfer_or_its_rows_directly(self):
        contract = self.consumed_contract()
        transfer = self.transfer(contract)
        portal = new_test_user(self.env, "tr_portal", groups="base.group_portal", partner_id=self.partner.id)
        with self.assertRaises(AccessError):
            self.Transfer.with_user(portal).create({"contract_id": contract.id, "to_partner_id": self.sister.id})
        for user in (self.frontdesk, self.manager):
            with self.subTest(user=user.name), self.assertRaises(UserError):
                transfer.with_user(user).write({"state": "done"})
            with self.subTest(user=user.name), self.assertRaises(UserError):
                transfer.with_user(user).write({"to_partner_id": self.manager.partner_id.id})
        with self.assertRaises(AccessError):
            self.env["clinic.stored.value.move"].with_user(self.manager).create(
                {
                    "contract_id": contract.id,
                    "move_type": "transfer",
                    "transfer_id": transfer.id,
                    "partner_id": self.sister.id,
                    "amount_principal": 100.0,
                }
            )
        with self.assertRaisesRegex(UserError, "comes from the signed transfer"):
            self.env["clinic.stored.value.move"].sudo()._post_rows(
                [
                    {
                        "contract_id": contract.id,
                        "move_type": "transfer",
                        "partner_id": self.manager.partner_id.id,
                        "transfer_id": transfer.id,
                        "amount_principal": 100.0,
                        "amount_bonus": 0.0,
                    }
                ]
            )
        self.assertEqual((transfer.state, contract.partner_id), ("signed", self.partner))
        self.assertFalse(transfer.stored_value_move_ids)


@tagged("post_install", "-at_install")
class TestContractTransferPortal(StoredValueCase, HttpCase):
    def test_the_transferee_sees_her_own_rows_never_the_first_holders_history(self):
        sister = self.env["res.partner"].create({"name": "王芳 (portal)", "email": "wf2@example.com"})
        portal = new_test_user(self.env, "tr_sister", groups="base.group_portal", partner_id=sister.id)
        contract = self.consumed_contract()
        history = contract.move_ids
        transfer = self.env["clinic.contract.transfer"].create({"contract_id": contract.id, "to_partner_id": sister.id})
        transfer._set_signed_document(b"%PDF-1.4 notice", "notice.pdf", self.partner.name, self.today, "paper")
        transfer.with_user(self.frontdesk).action_confirm()
        self.authenticate(portal.login, portal.login)
        page = self.url_open(f"/my/prepaid-contracts/{contract.id}").text
        self.assertIn(transfer.stored_value_move_ids.filtered(lambda row: row.partner_id == sister).name, page)
        for row in history | transfer.stored_value_move_ids.filtered(lambda row: row.partner_id == self.partner):
            self.assertNotIn(row.name, page)
        statement = contract.with_user(portal)._statement_lines()
        self.assertEqual(len(statement), 1, "her statement starts at the transfer")
        self.assertEqual(len(contract._statement_lines()), len(contract.move_ids), "the clinic's shows every row")
