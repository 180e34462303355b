import base64
import hashlib
import io
import json
from unittest.mock import patch

from PIL import Image

from odoo.addons.clinic_refund.models.clinic_signature_mixin import ClinicSignatureMixin
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import StoredValueCase, make_pdf


def signature_png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "black").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def sign_in_portal(case, login, document):
    """``login`` signs ``document`` with the call sign_oca's signing page makes (an HttpCase);
    returns the signer."""
    signer = document.sudo().sign_request_id.signer_ids
    case.authenticate(login, login)
    items = {key: dict(item, value=signature_png()) for key, item in signer.get_info()["items"].items()}
    response = case.url_open(
        f"/sign_oca/sign/{signer.id}/{signer.access_token}",
        data=json.dumps({"params": {"items": items}}),
        headers={"Content-Type": "application/json"},
    )
    response.raise_for_status()
    case.assertNotIn("error", response.json())
    return signer


@tagged("post_install", "-at_install")
class TestContractSignature(StoredValueCase):
    def test_paper_scan_stores_file_and_sha256(self):
        contract = self.create_contract()
        data = b"%PDF-1.4 scan of the paper contract"
        self.upload_scan(contract, data=data, signer="王丽")
        self.assertEqual(contract.state, "signed")
        self.assertEqual(contract.signature_method, "paper")
        self.assertEqual(contract.signed_by, "王丽")
        self.assertEqual(contract.date_signed, self.today)
        self.assertEqual(contract.signed_sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(base64.b64decode(contract.signed_file), data)
        self.assertIn(contract.signed_sha256, contract.message_ids[0].body)

    def test_scan_without_file_is_refused(self):
        contract = self.create_contract()
        with self.assertRaisesRegex(UserError, "Choose the file"):
            self.upload_scan(contract, data=b"")
        self.assertEqual(contract.state, "draft")
        self.assertFalse(contract.signed_sha256)

    def test_signing_twice_is_refused(self):
        contract = self.create_contract()
        self.upload_scan(contract, data=b"first")
        with self.assertRaisesRegex(UserError, "already signed"):
            self.upload_scan(contract, data=b"second")
        with self.assertRaisesRegex(UserError, "already signed"):
            contract.action_send_for_signature()
        self.assertEqual(contract.signed_sha256, hashlib.sha256(b"first").hexdigest())

    def test_signature_in_the_future_is_refused(self):
        contract = self.create_contract()
        with self.assertRaisesRegex(UserError, "future"):
            self.upload_scan(contract, date=self.today.replace(year=self.today.year + 1))

    def test_signed_file_cannot_be_overwritten_directly(self):
        contract = self.create_contract()
        self.upload_scan(contract)
        for user in (self.frontdesk, self.manager, self.env.ref("base.user_admin")):
            with self.assertRaises(UserError):
                contract.with_user(user).write({"signed_file": base64.b64encode(b"forged")})
            with self.assertRaises(UserError):
                contract.with_user(user).with_context(clinic_contract_action=True).write({"signature_tampered": False})

    def test_verify_intact_file(self):
        contract = self.create_contract()
        self.upload_scan(contract)
        action = contract.action_verify_signature()
        self.assertEqual(action["params"]["type"], "success")
        self.assertFalse(contract.signature_tampered)

    def test_verify_flags_a_tampered_file(self):
        contract = self.create_contract()
        self.upload_scan(contract, data=b"original scan")
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", contract._name),
                ("res_id", "=", contract.id),
                ("res_field", "=", "signed_file"),
            ]
        )
        attachment.write({"raw": b"altered scan"})
        action = contract.action_verify_signature()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertTrue(contract.signature_tampered)
        self.assertIn("altered", contract.message_ids[0].body)
        self.assertTrue(contract.activity_ids)
        with self.assertRaisesRegex(UserError, "altered"):
            contract.action_activate()

    def test_verify_without_signature_is_refused(self):
        with self.assertRaisesRegex(UserError, "no signed file"):
            self.create_contract().action_verify_signature()

    def test_electronic_signature_brings_signed_pdf_back(self):
        contract = self.create_contract()
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.name)):
            contract.action_send_for_signature()
        request = contract.sign_request_id
        self.assertEqual(contract.state, "sent")
        self.assertEqual(request.state, "0_sent")
        self.assertEqual(request.record_ref, contract)
        self.assertEqual(request.signer_ids.partner_id, self.partner)
        self.assertEqual([item["page"] for item in request.signatory_data.values()], [1])
        with self.assertRaisesRegex(UserError, "already waits"):
            contract.action_send_for_signature()
        signer = request.signer_ids
        items = {key: dict(item, value=signature_png()) for key, item in request.signatory_data.items()}
        signer.action_sign(items)
        self.assertEqual(request.state, "2_signed")
        self.assertEqual(contract.state, "signed")
        self.assertEqual(contract.signature_method, "electronic")
        signed_pdf = base64.b64decode(request.data)
        self.assertTrue(signed_pdf.startswith(b"%PDF"))
        self.assertEqual(base64.b64decode(contract.signed_file), signed_pdf)
        self.assertEqual(contract.signed_sha256, hashlib.sha256(signed_pdf).hexdigest())
        self.assertEqual(contract.signed_by, self.partner.name)
        self.assertEqual(contract.action_verify_signature()["params"]["type"], "success")

    def test_no_pdf_engine_explains_what_to_install(self):
        contract = self.create_contract()
        with (
            patch("odoo.addons.base.models.ir_actions_report.wkhtmltopdf_state", "install"),
            self.assertRaisesRegex(UserError, "wkhtmltopdf is not installed.*apt-get install wkhtmltopdf"),
        ):
            contract.action_send_for_signature()
        self.assertEqual(contract.state, "draft")
        self.assertFalse(contract.sign_request_id)
        self.assertFalse(self.env["sign.oca.request"].search([("record_ref", "=", f"{contract._name},{contract.id}")]))

    def test_paper_scan_cancels_pending_electronic_request(self):
        contract = self.create_contract()
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.name)):
            contract.action_send_for_signature()
        self.upload_scan(contract)
        self.assertEqual(contract.sign_request_id.state, "3_cancel")
        self.assertEqual(contract.signature_method, "paper")

    def test_back_to_draft_cancels_request(self):
        contract = self.create_contract()
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.name)):
            contract.action_send_for_signature()
        contract.action_reset_to_draft()
        self.assertEqual(contract.state, "draft")
        self.assertEqual(contract.sign_request_id.state, "3_cancel")

    def test_employees_outside_the_clinic_read_no_member_s_signature_request(self):
        contract = self.create_contract()
        with patch.object(ClinicSignatureMixin, "_render_signature_pdf", lambda self: make_pdf(self.name)):
            contract.action_send_for_signature()
        request = contract.sign_request_id
        employee = new_test_user(self.env, "sg_employee", groups="base.group_user")
        Requests = self.env["sign.oca.request"].with_user(employee)
        self.assertFalse(Requests.search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(employee).read(["data", "name"])
        pdf = self.env["ir.attachment"].search(
            [("res_model", "=", "sign.oca.request"), ("res_id", "=", request.id), ("res_field", "=", "data")]
        )
        self.assertTrue(pdf)
        self.assertFalse(pdf.with_user(employee).search([("id", "in", pdf.ids), ("res_field", "=", "data")]))
        with self.assertRaises(AccessError):
            pdf.with_user(employee).read(["datas"])
        # the clinic's staff still read it, and a request of another document stays open to employees
        self.assertEqual(
            self.env["sign.oca.request"].with_user(self.frontdesk).search([("id", "=", request.id)]), request
        )
        other = self.env["sign.oca.request"].create(
            {"name": "Supplier agreement", "data": base64.b64encode(make_pdf("supplier")), "signer_ids": []}
        )
        self.assertEqual(Requests.search([("id", "=", other.id)]), other)
