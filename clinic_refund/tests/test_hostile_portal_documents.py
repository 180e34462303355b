"""A member reaches her own signed documents, and nobody else's, by every route the portal exposes.

Two members each signed their prepaid contract in the portal; the second also signed a settlement
agreement and has one more contract waiting for her signature. The first member, logged in, asks
for the second member's documents the way a hostile member does: sign_oca's portal routes
(download, signing page, its PDF, its JSON calls), Odoo's binary and report routes, the list of her
sign requests, and JSON-RPC on the models behind them and on the approvals (``tier.review``). She
gets a refusal and no PDF byte, nothing moves, and her own documents stay hers to sign and download.
"""

import base64
import json
from unittest.mock import patch

from odoo.addons.clinic_refund.models.clinic_signature_mixin import ClinicSignatureMixin
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import make_pdf
from .test_contract_signature import sign_in_portal, signature_png
from .test_hostile_rpc import CLEAN_ERRORS
from .test_hostile_stored_value import HostileCase

REFUSED_STATUSES = {303, 302, 403, 404}


@tagged("post_install", "-at_install")
class TestHostilePortalDocuments(HttpCase, HostileCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_a = new_test_user(cls.env, "pd_member_a", name="甲会员", groups="base.group_portal")
        cls.member_b = new_test_user(cls.env, "pd_member_b", name="乙会员", groups="base.group_portal")

    def setUp(self):
        super().setUp()
        self.contract_a = self.sign_in_portal(self.member_a, self.send_contract(self.member_a))
        self.contract_b = self.sign_in_portal(self.member_b, self.send_contract(self.member_b))
        # the second member's contract runs, she asks for a refund and signs a negotiated agreement
        self.contract_b.action_activate()
        self.topup(self.contract_b)
        partner_b = self.member_b.partner_id
        self.pay(self.create_invoice(1000.0, partner=partner_b), 1000.0, self.contract_b)
        self.refund_b = self.file_request(self.contract_b).with_user(self.env.user)
        self.refund_b.with_user(self.manager)._propose_settlement(
            {"amount": 1000.0, "reason": "协商一致", "date_due": self.today, "basis": "agreement"}
        )
        self.settlement_b = self.refund_b.settlement_id
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.display_name)):
            self.settlement_b.with_user(self.manager).action_send_for_signature()
        self.sign_in_portal(self.member_b, self.settlement_b)
        self.refund_b.action_submit()
        self.review_b = self.refund_b.review_ids.filtered(lambda r: self.manager in r.reviewer_ids)[:1]
        self.review_b.with_user(self.manager).write({"comment": "会员情绪激动，内部备注"})
        # and one more contract of hers waits for her signature
        self.pending_b = self.send_contract(self.member_b)
        self.assertEqual(
            (self.contract_a.state, self.contract_b.state, self.settlement_b.state, self.pending_b.state),
            ("signed", "active", "signed", "sent"),
        )
        self.assertTrue(self.review_b.comment)

    # ------------------------------------------------------------------ helpers

    def send_contract(self, member):
        contract = self.create_contract(partner=member.partner_id)
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.name)):
            contract.with_user(self.frontdesk).action_send_for_signature()
        return contract

    def sign_in_portal(self, member, document):
        """``member`` signs ``document`` with the call sign_oca's signing page makes."""
        sign_in_portal(self, member.login, document)
        self.assertEqual(document.state, "signed")
        return document

    def documents_of_b(self):
        return self.contract_b | self.pending_b, self.settlement_b

    def sign_requests_of_b(self):
        contracts, settlement = self.documents_of_b()
        return contracts.sign_request_id | settlement.sign_request_id

    def signed_attachments(self, requests):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", "sign.oca.request"), ("res_id", "in", requests.ids), ("res_field", "=", "data")]
            )
        )

    def documents_state(self):
        """What a hostile member could change or mint on the signed documents, read from the database."""
        self.env.flush_all()
        self.env.invalidate_all()
        requests = self.env["sign.oca.request"].sudo().search([], order="id")
        return {
            "money": self.money(),
            "requests": [(r.id, r.state, r.current_hash) for r in requests],
            "signers": [(s.id, s.signed_on, s.signature_hash) for s in requests.signer_ids],
            "comments": self.env["tier.review"].sudo().search_read([], ["comment"], order="id"),
            "tokens": self.signed_attachments(requests).mapped("access_token"),
        }

    def assertNoDocument(self, url, *names, **kwargs):
        """``url`` answers the member with a refusal: no PDF, none of ``names``, and no link to the file."""
        response = self.url_open(url, allow_redirects=False, **kwargs)
        self.assertIn(response.status_code, REFUSED_STATUSES, f"{url} answered {response.status_code}")
        self.assertNotIn(b"%PDF", response.content, url)
        self.assertNotIn("/web/content", response.headers.get("Location", ""), url)
        followed = self.url_open(url, **kwargs)
        self.assertNotIn(b"%PDF", followed.content, url)
        for name in names:
            self.assertNotIn(name, followed.text, url)

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def assertRpcGivesNothing(self, model, method, *args, **kwargs):
        """A clean refusal or an empty answer, never a row."""
        try:
            result = self.call(model, method, *args, **kwargs)
        except JsonRpcException as error:
            self.assertIn(str(error), CLEAN_ERRORS, f"{model}.{method}: a clean refusal, not a crash")
            return
        self.assertFalse(result, f"{model}.{method} gave a portal member {result!r}")

    # ------------------------------------------------------------------ the download route

    def test_a_member_downloads_her_own_signed_documents_and_no_one_elses(self):
        before = self.documents_state()
        self.authenticate(self.member_a.login, self.member_a.login)
        for sign_request in self.sign_requests_of_b():
            with self.subTest(document=sign_request.name):
                self.assertNoDocument(f"/my/sign/{sign_request.id}/download", sign_request.name)
        self.assertEqual(self.documents_state(), before, "no download link minted for another member's file")

        own = self.url_open(f"/my/sign/{self.contract_a.sign_request_id.id}/download")
        self.assertEqual(own.status_code, 200)
        self.assertEqual(own.content, base64.b64decode(self.contract_a.sign_request_id.data))
        self.assertTrue(own.content.startswith(b"%PDF"))
        self.assertIn("attachment", own.headers.get("Content-Disposition", ""))

        self.authenticate(self.member_b.login, self.member_b.login)
        agreement = self.url_open(f"/my/sign/{self.settlement_b.sign_request_id.id}/download")
        self.assertEqual(agreement.status_code, 200)
        self.assertEqual(agreement.content, base64.b64decode(self.settlement_b.sign_request_id.data))
        self.assertEqual(
            self.documents_state()["tokens"], before["tokens"], "downloading one's own file mints no bearer link"
        )

    def test_a_download_link_minted_before_the_fix_is_revoked(self):
        attachments = self.signed_attachments(self.sign_requests_of_b())
        tokens = attachments.generate_access_token()
        self.env["sign.oca.request"]._clinic_revoke_download_tokens()
        self.assertFalse(any(attachments.mapped("access_token")))
        self.authenticate(self.member_a.login, self.member_a.login)
        for attachment, token in zip(attachments, tokens, strict=True):
            self.assertNoDocument(f"/web/content/{attachment.id}?access_token={token}&download=true")

    # ------------------------------------------------------------------ sign_oca's signing pages

    def test_the_signing_pages_need_the_signers_own_token(self):
        own_signer = self.contract_a.sign_request_id.signer_ids
        before = self.documents_state()
        self.authenticate(self.member_a.login, self.member_a.login)
        for document in (self.contract_b, self.pending_b, self.settlement_b):
            signer = document.sign_request_id.signer_ids
            for token in (own_signer.access_token, "0" * 36, signer.access_token[:-1]):
                with self.subTest(document=document.display_name, token=token):
                    self.assertNoDocument(f"/sign_oca/document/{signer.id}/{token}", document.display_name)
                    self.assertNoDocument(f"/sign_oca/content/{signer.id}/{token}")
                    info = self.url_open(
                        f"/sign_oca/info/{signer.id}/{token}",
                        data=json.dumps({"params": {}}),
                        headers={"Content-Type": "application/json"},
                    )
                    self.assertNotIn("items", info.json().get("result") or {})
                    items = {
                        key: dict(item, value=signature_png())
                        for key, item in document.sign_request_id.signatory_data.items()
                    }
                    self.url_open(
                        f"/sign_oca/sign/{signer.id}/{token}",
                        data=json.dumps({"params": {"items": items}}),
                        headers={"Content-Type": "application/json"},
                    )
        self.assertEqual(self.documents_state(), before)
        self.assertEqual(self.pending_b.state, "sent", "nobody signs in her place")
        # her own signing page and its PDF still open, for her
        self.assertEqual(self.url_open(own_signer.access_url).status_code, 200)
        content = self.url_open(f"/sign_oca/content/{own_signer.id}/{own_signer.access_token}")
        self.assertTrue(content.content.startswith(b"%PDF"))

    def test_her_list_of_sign_requests_shows_only_hers(self):
        self.authenticate(self.member_a.login, self.member_a.login)
        page = self.url_open("/my/sign_requests")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"/my/sign/{self.contract_a.sign_request_id.id}/download", page.text)
        for sign_request in self.sign_requests_of_b():
            self.assertNotIn(f"/my/sign/{sign_request.id}/download", page.text)
            self.assertNotIn(sign_request.signer_ids.access_token, page.text)

    # ------------------------------------------------------------------ Odoo's binary and report routes

    def test_binary_and_report_routes_refuse_another_members_files(self):
        contracts, settlement = self.documents_of_b()
        requests = self.sign_requests_of_b()
        field_files = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("res_model", "=", "clinic.prepaid.contract"),
                    ("res_id", "in", contracts.ids),
                    "&",
                    ("res_model", "=", "clinic.refund.settlement"),
                    ("res_id", "=", settlement.id),
                    ("res_field", "=", "signed_file"),
                ]
            )
        )
        self.assertEqual(len(field_files), 2, "the contract and the agreement B signed")
        before = self.documents_state()
        self.authenticate(self.member_a.login, self.member_a.login)
        urls = [f"/web/content/{attachment.id}?download=true" for attachment in self.signed_attachments(requests)]
        urls += [f"/web/content/{attachment.id}?download=true" for attachment in field_files]
        for sign_request in requests:
            urls += [
                f"/web/content/sign.oca.request/{sign_request.id}/data",
                f"/web/content/sign.oca.request.signer/{sign_request.signer_ids.id}/data",
                f"/report/html/sign_oca.report_signature_certificate/{sign_request.id}",
            ]
        for contract in contracts:
            urls += [
                f"/web/content/clinic.prepaid.contract/{contract.id}/signed_file",
                f"/report/html/clinic_refund.report_prepaid_contract/{contract.id}",
            ]
        urls += [
            f"/web/content/clinic.refund.settlement/{settlement.id}/signed_file",
            f"/report/html/clinic_refund.report_refund_settlement/{settlement.id}",
            f"/report/html/clinic_refund.report_refund_request/{self.refund_b.id}",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertNotEqual(response.status_code, 200, url)
                self.assertNotIn(b"%PDF", response.content, url)
                self.assertNotIn(self.member_b.name, response.text, url)
        for sign_request in requests:  # /web/image answers a placeholder picture to whoever may not see the file
            response = self.url_open(f"/web/image/sign.oca.request/{sign_request.id}/data")
            self.assertTrue(response.headers["Content-Type"].startswith("image/"))
            self.assertNotIn(b"%PDF", response.content)
        self.assertEqual(self.documents_state(), before)

    # ------------------------------------------------------------------ JSON-RPC

    def test_json_rpc_gives_a_member_no_review_and_no_one_elses_document(self):
        before = self.documents_state()
        requests = self.sign_requests_of_b()
        signers = requests.signer_ids
        self.authenticate(self.member_a.login, self.member_a.login)
        probes = [
            ("tier.review", "search_read", [], ["comment", "status", "res_id", "reviewer_ids", "done_by"]),
            ("tier.review", "search_read", [("model", "=", "clinic.refund.request")], ["comment"]),
            ("tier.review", "read", self.refund_b.review_ids.ids, ["comment", "status"]),
            ("tier.review", "search_count", []),
            ("tier.review", "read_group", [], ["status"], ["status"]),
            ("tier.definition", "search_read", [], ["name", "reviewer_group_id", "definition_domain"]),
            ("tier.definition", "read", self.env.ref("clinic_refund.tier_definition_refund_manager").ids, ["name"]),
            ("tier.validation.exception", "search_read", [], ["model_name"]),
            ("sign.oca.request", "search_read", [], ["name", "data"]),
            ("sign.oca.request", "read", requests.ids, ["name", "data"]),
            ("sign.oca.request.signer", "search_read", [], ["partner_id", "access_token"]),
            ("sign.oca.request.signer", "read", signers.ids, ["partner_id", "access_token", "data"]),
            ("sign.oca.request.signer", "get_info", signers[:1].ids),
            ("sign.oca.request.log", "search_read", [], ["request_id", "access_token", "ip"]),
            ("ir.attachment", "search_read", [("res_model", "=", "sign.oca.request")], ["datas"]),
            ("ir.attachment", "read", self.signed_attachments(requests).ids, ["datas", "access_token"]),
        ]
        for model, method, *args in probes:
            with self.subTest(model=model, method=method, args=args):
                self.assertRpcGivesNothing(model, method, *args)
        items = {
            key: dict(item, value=signature_png())
            for key, item in self.pending_b.sign_request_id.signatory_data.items()
        }
        self.assertRpcGivesNothing(
            "sign.oca.request.signer", "action_sign", self.pending_b.sign_request_id.signer_ids.ids, items
        )
        threads = [("sign.oca.request", r.id) for r in requests] + [("sign.oca.request.signer", s.id) for s in signers]
        threads += [("clinic.refund.request", self.refund_b.id), ("clinic.refund.settlement", self.settlement_b.id)]
        for thread_model, thread_id in threads:
            with self.subTest(thread=(thread_model, thread_id)):
                thread = {"thread_model": thread_model, "thread_id": thread_id}
                messages = self.make_jsonrpc_request("/mail/thread/messages", thread)
                self.assertFalse(messages["messages"], "the chatter of another member's document")
                data = self.make_jsonrpc_request("/mail/thread/data", {**thread, "request_list": ["attachments"]})
                self.assertFalse(data.get("ir.attachment"), "the files of another member's document")
        own = self.call("clinic.prepaid.contract", "search_read", [], ["name"])
        self.assertEqual([row["name"] for row in own], [self.contract_a.name], "her own contract, as before")
        self.assertEqual(self.documents_state(), before)
        self.assertEqual(self.pending_b.state, "sent")
