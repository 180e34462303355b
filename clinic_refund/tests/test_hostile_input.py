"""Bad input of an adversarial run, sent the way it came (JSON-RPC, the portal form) by the role that sent it.

Each one gets a clean UserError/ValidationError (never a traceback, a database error or an HTTP 500),
and nothing moved: no row, payment, entry, request, partner or evidence was created, no balance changed.
"""

import base64
import json
import random
from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from .test_hostile_rpc import CLEAN_ERRORS
from .test_hostile_stored_value import HostileCase

NUL = "\x00"
TEN_MB = "x" * (10 * 1024 * 1024)
# random digits: no index compresses them
LONG_PHONE = "".join(random.Random(7).choices("0123456789", k=20_000))  # noqa: S311


@tagged("post_install", "-at_install")
class TestHostileInput(HttpCase, HostileCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.frontdesk, cls.manager, cls.portal):
            user.password = cls.password_of(user)
        cls.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})

    @staticmethod
    def password_of(user):
        return f"{user.login}-Secret-2026"

    # ------------------------------------------------------------------ JSON-RPC, as test_hostile_rpc

    def rpc(self, user, model, method, *args, **kwargs):
        """The decoded answer of the web client's ``call_kw`` route for ``user``."""
        self.authenticate(user.login, self.password_of(user))
        payload = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps({"id": 0, "jsonrpc": "2.0", "method": "call", "params": payload}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200, "a JSON-RPC answer, not an HTTP error")
        return response.json()

    def call(self, user, model, method, *args, **kwargs):
        answer = self.rpc(user, model, method, *args, **kwargs)
        self.assertNotIn("error", answer, answer.get("error", {}).get("data", {}).get("message"))
        return answer["result"]

    def assertRpcRefused(self, expected, user, model, method, *args, **kwargs):
        """The call gets a clean error whose message matches ``expected``, and the money did not move."""
        before = self.money()
        answer = self.rpc(user, model, method, *args, **kwargs)
        self.assertIn("error", answer, "refused")
        error = answer["error"]["data"]
        self.assertIn(error["name"], CLEAN_ERRORS, f"a clean refusal, not {error['name']}: {error['message'][:300]}")
        self.assertRegex(error["message"], expected)
        self.assertEqual(self.money(), before)

    def partners(self):
        return self.env["res.partner"].with_context(active_test=False).search_count([])

    def member(self, name="新会员"):
        member = self.env["res.partner"].create({"name": name})
        member.action_enrol_member()
        return member

    # ------------------------------------------------------------------ a. NUL characters

    def test_nul_in_a_top_up_memo(self):
        contract = self.create_contract(principal=3000.0, bonus=0.0)
        self.upload_scan(contract)
        contract.action_activate()
        vals = {"contract_id": contract.id, "journal_id": self.bank_journal.id, "amount": 1000.0}
        Topup = "clinic.stored.value.topup"
        self.assertRpcRefused("NUL", self.frontdesk, Topup, "create", [{**vals, "memo": f"现金{NUL}充值"}])
        wizard = self.call(self.frontdesk, Topup, "create", [{**vals, "memo": "现金充值"}])
        self.assertRpcRefused("NUL", self.frontdesk, Topup, "write", wizard, {"memo": NUL})
        self.assertRpcRefused("NUL", self.frontdesk, Topup, "web_save", wizard, {"memo": f"{NUL}"}, specification={})
        self.call(self.frontdesk, Topup, "action_confirm", wizard)
        self.assertEqual((contract.balance_principal, self.liability_balance()), (1000.0, 1000.0))
        self.assertEqual(contract.move_ids.reason, "现金充值")

    def test_nul_in_a_partner_name_and_fields(self):
        member = self.member("王丽")
        count = self.partners()
        for vals in (
            {"name": f"王{NUL}丽"},
            {"name": "王丽", "street": f"人民路{NUL}"},
            {"name": "王丽", "comment": NUL},
        ):
            with self.subTest(vals=vals):
                self.assertRpcRefused("NUL", self.frontdesk, "res.partner", "create", [vals])
                self.assertRpcRefused("NUL", self.frontdesk, "res.partner", "write", [member.id], vals)
        self.assertRpcRefused("NUL", self.frontdesk, "res.partner", "name_create", f"王{NUL}丽")
        self.assertEqual((self.partners(), member.name, member.street), (count, "王丽", False))

    def test_nul_in_a_portal_refund_description(self):
        contract = self.portal_contract()
        response = self.post_refund_form(contract, {"reason": "dissatisfied", "description": f"搬家了{NUL}"})
        self.assertEqual(response.status_code, 200, "the form again, not an HTTP 500")
        self.assertIn(f"/my/prepaid-contracts/{contract.id}/refund?", response.url)
        self.assertIn("NUL", response.text, "the form says what is wrong")
        self.assertFalse(contract.refund_request_ids)

    # ------------------------------------------------------------------ b. NaN prices

    def test_nan_price_on_a_checkout_line(self):
        member = self.member()
        nan_line = {"product_id": self.product.id, "quantity": 1.0, "price_unit": float("nan")}
        Checkout = "clinic.checkout"
        vals = {"partner_id": member.id, "journal_id": self.cash_journal.id}
        self.assertRpcRefused(
            "finite number", self.frontdesk, Checkout, "create", [{**vals, "line_ids": [[0, 0, nan_line]]}]
        )
        checkout = self.call(
            self.frontdesk, Checkout, "create", [{**vals, "line_ids": [[0, 0, {**nan_line, "price_unit": 100.0}]]}]
        )
        line = self.env[Checkout].browse(checkout).line_ids
        for price in (float("nan"), float("inf"), float("-inf")):
            with self.subTest(price=price):
                self.assertRpcRefused(
                    "finite number", self.frontdesk, "clinic.checkout.line", "write", line.ids, {"price_unit": price}
                )
                self.assertRpcRefused(
                    "finite number",
                    self.frontdesk,
                    Checkout,
                    "web_save",
                    checkout,
                    {"line_ids": [[1, line.id, {"price_unit": price}]]},
                    specification={},
                )
        self.assertEqual(line.price_unit, 100.0)

    # ------------------------------------------------------------------ c. huge texts

    def test_ten_megabyte_partner_name(self):
        member = self.member("王丽")
        count = self.partners()
        for vals in ({"name": TEN_MB}, {"name": "王丽", "phone": LONG_PHONE}):
            with self.subTest(field=list(vals)[-1]):
                self.assertRpcRefused("too long", self.frontdesk, "res.partner", "create", [vals])
                self.assertRpcRefused("too long", self.frontdesk, "res.partner", "write", [member.id], vals)
        self.assertRpcRefused("at most 256", self.frontdesk, "res.partner", "create", [{"name": "李" * 257}])
        self.assertEqual((self.partners(), member.name, member.phone), (count, "王丽", False))
        created = self.call(self.frontdesk, "res.partner", "create", [{"name": "李" * 256}])
        self.assertEqual(len(self.env["res.partner"].browse(created).name), 256, "a long name, but a name")

    # ------------------------------------------------------------------ d. the portal form without a reason

    def test_portal_refund_form_without_a_reason(self):
        contract = self.portal_contract()
        for data in ({"description": "搬家了"}, {"reason": "", "description": "搬家了"}):
            with self.subTest(data=data):
                response = self.post_refund_form(contract, data)
                self.assertEqual(response.status_code, 200, "the form again, not a 400")
                self.assertIn(f"/my/prepaid-contracts/{contract.id}/refund?", response.url)
                self.assertIn("Choose the reason of your refund request.", response.text)
                self.assertFalse(contract.refund_request_ids)
        response = self.post_refund_form(contract, {"reason": "dissatisfied", "description": "搬家了"})
        self.assertIn("refund_asked=1", response.url)
        self.assertEqual(contract.refund_request_ids.mapped("state"), ["draft"])

    # ------------------------------------------------------------------ e. implausible dates

    def test_contract_scan_dated_1901(self):
        contract = self.create_contract(principal=3000.0, bonus=0.0)
        wizard = self.call(
            self.frontdesk,
            "clinic.contract.scan.upload",
            "create",
            [
                {
                    "contract_id": contract.id,
                    "scan_file": base64.b64encode(b"%PDF-1.4 signed paper contract").decode(),
                    "scan_filename": "signed.pdf",
                    "signed_by": contract.partner_id.name,
                    "date_signed": "1901-01-01",
                }
            ],
        )
        self.assertRpcRefused(
            "before 2000-01-01", self.frontdesk, "clinic.contract.scan.upload", "action_confirm", wizard
        )
        self.assertEqual((contract.state, contract.date_signed, contract.signed_sha256), ("draft", False, False))

    def test_settlement_signed_before_the_member_asked(self):
        request = self.file_request(self.consumed_contract())
        request.with_user(self.manager)._propose_settlement(
            {"amount": 1000.0, "reason": "协商", "date_due": self.today, "basis": "agreement"}
        )
        wizard = self.call(
            self.manager,
            "clinic.contract.scan.upload",
            "create",
            [
                {
                    "settlement_id": request.settlement_id.id,
                    "scan_file": base64.b64encode(b"%PDF-1.4 signed agreement").decode(),
                    "signed_by": request.partner_id.name,
                    "date_signed": str(self.today - timedelta(days=1)),
                }
            ],
        )
        self.assertRpcRefused("check the date", self.manager, "clinic.contract.scan.upload", "action_confirm", wizard)
        self.assertEqual(request.settlement_id.state, "draft")

    def test_top_up_posted_in_1950(self):
        contract = self.create_contract(principal=3000.0, bonus=0.0)
        self.upload_scan(contract)
        contract.action_activate()
        Topup = "clinic.stored.value.topup"
        vals = {"contract_id": contract.id, "journal_id": self.bank_journal.id, "amount": 1000.0, "date": "1950-06-01"}
        wizard = self.call(self.frontdesk, Topup, "create", [vals])
        self.assertRpcRefused("before 2000-01-01", self.frontdesk, Topup, "action_confirm", wizard)
        # a contract whose signature date came in before the check (an import, an old upload): still no 1950
        contract.sudo()._action_write({"date_signed": date(1940, 1, 1)})
        wizard = self.call(self.frontdesk, Topup, "create", [vals])
        self.assertRpcRefused("before 2000-01-01", self.frontdesk, Topup, "action_confirm", wizard)
        self.assertFalse(contract.move_ids)

    # ------------------------------------------------------------------ f. archived members

    def test_refund_request_for_an_archived_member(self):
        archived = self.env["res.partner"].create({"name": "已搬走的会员"})
        contract = self.active_contract(partner=archived)
        archived.active = False
        vals = {
            "partner_id": archived.id,
            "contract_id": contract.id,
            "reason": "dissatisfied",
            "request_date": str(self.today),
            "evidence_ids": [
                [0, 0, {"evidence_type": "contract", "datas": base64.b64encode(b"%PDF").decode(), "filename": "c.pdf"}]
            ],
        }
        self.assertRpcRefused("archived", self.frontdesk, "clinic.refund.request", "create", [vals])
        self.assertFalse(contract.refund_request_ids)

    def test_checkout_of_an_archived_member(self):
        member = self.member("已搬走的会员")
        member.active = False
        invoices = self.env["account.move"].search_count([("partner_id", "=", member.id)])
        checkout = self.call(
            self.frontdesk,
            "clinic.checkout",
            "create",
            [
                {
                    "partner_id": member.id,
                    "journal_id": self.cash_journal.id,
                    "line_ids": [[0, 0, {"product_id": self.product.id, "quantity": 1.0}]],
                }
            ],
        )
        self.assertRpcRefused("archived", self.frontdesk, "clinic.checkout", "action_confirm", checkout)
        self.assertEqual(self.env["account.move"].search_count([("partner_id", "=", member.id)]), invoices)

    # ------------------------------------------------------------------ g. evidence without its file

    def test_evidence_without_its_file(self):
        request = self.file_request(self.active_contract())
        evidence = request.evidence_ids[:1]
        Evidence = "clinic.refund.evidence"
        self.assertRpcRefused(
            "needs its file", self.frontdesk, Evidence, "create", [{"request_id": request.id, "evidence_type": "other"}]
        )
        self.assertRpcRefused(
            "needs its file",
            self.frontdesk,
            Evidence,
            "create",
            [{"request_id": request.id, "evidence_type": "other", "datas": "", "filename": "empty.pdf"}],
        )
        self.assertRpcRefused(
            "needs its file",
            self.frontdesk,
            "clinic.refund.request",
            "write",
            [request.id],
            {"evidence_ids": [[0, 0, {"evidence_type": "communication", "filename": "call.pdf"}]]},
        )
        self.assertRpcRefused("needs its file", self.frontdesk, Evidence, "write", evidence.ids, {"datas": False})
        self.assertEqual(base64.b64decode(evidence.datas), b"%PDF-1.4 evidence")

    # ------------------------------------------------------------------ the portal form

    def portal_contract(self):
        contract = self.active_contract(principal=3000.0, bonus=0.0, partner=self.portal.partner_id)
        contract.user_id = self.frontdesk
        return contract

    def post_refund_form(self, contract, data):
        self.authenticate(self.portal.login, self.password_of(self.portal))
        page = self.url_open(f"/my/prepaid-contracts/{contract.id}/refund")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        return self.url_open(f"/my/prepaid-contracts/{contract.id}/refund/submit", data={"csrf_token": token, **data})
