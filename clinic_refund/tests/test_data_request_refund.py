"""Personal information requests and prepaid contracts: her contracts in her copy; her erasure keeps the
accounting documents and signed contracts, refused while the clinic still owes her."""

import base64
import json

from odoo.addons.clinic_membership.tests.test_data_request import find_texts
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestDataRequestRefund(StoredValueCase):
    NAME = "隐私储值孙小红"
    PHONE = "13698765432"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.env["res.partner"].create({"name": cls.NAME, "phone": cls.PHONE, "email": "sxh@example.com"})
        cls.member.action_enrol_member()

    def process(self, kind):
        request = (
            self.env["clinic.data.request"]
            .with_user(self.frontdesk)
            .create({"partner_id": self.member.id, "kind": kind})
        )
        request.with_user(self.manager).action_process()
        return request

    def test_erasure_refused_while_the_clinic_owes_her(self):
        contract = self.package_contract(partner=self.member)
        self.file_request(contract).with_user(self.frontdesk).action_submit()
        with self.assertRaisesRegex(UserError, "still holds") as catcher:
            self.process("erasure")
        for words in ("refund request", "sessions of", contract.name):
            self.assertIn(words, str(catcher.exception))
        self.assertEqual(self.member.name, self.NAME, "nothing changed")
        self.assertFalse(self.env["clinic.data.request"].search([("partner_id", "=", self.member.id)]))

    def test_erasure_keeps_contracts_and_accounting_and_reconciles(self):
        contract = self.active_contract(principal=1000.0, bonus=0.0, partner=self.member)
        invoice = self.create_invoice(1000.0, partner=self.member)
        self.pay(invoice, 1000.0, contract)
        export = self.process("export")
        data = json.loads(base64.b64decode(export.sudo().export_file))
        (exported,) = data["prepaid_contracts"]
        self.assertEqual(exported["Number"], contract.name)
        self.assertEqual(len(exported["stored_value_rows"]), 2, "the top-up and the payment")

        rows_before = contract.move_ids.read(["amount_principal", "account_move_id"])
        self.process("erasure")
        self.assertEqual(contract.move_ids.read(["amount_principal", "account_move_id"]), rows_before)
        self.assertEqual(contract.sudo().signed_by, self.NAME, "the signed contract is kept as signed")
        self.assertTrue(contract.sudo().signed_file)
        found = find_texts(self.env, [self.NAME, self.PHONE, "sxh@example.com"])
        allowed = {
            ("account_move", "invoice_partner_display_name"),  # invoices as issued (会计法, 会计档案管理办法)
            ("account_move_line", "name"),  # payments' journal items name their payer
            ("clinic_prepaid_contract", "signed_by"),  # who signed the contract (民法典 art. 490)
        }
        self.assertEqual(found - allowed, set())
        self.assertReconciled()
