"""A member signs her contract or settlement agreement on sign_oca's page, on a phone: the signature
lands on her signature line (乙方（签字）) of the real PDF, the day she signs on her date line, and the
page after signing leads back to her portal page."""

import base64
import json
from unittest.mock import patch

from odoo.addons.clinic_membership.tools.pdf import pdf_engine_ready
from odoo.addons.clinic_refund.tools.pdf_text import normalize, text_lines
from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common import StoredValueCase
from .test_contract_signature import signature_png


class SignedOnPhoneCase(StoredValueCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_user = new_test_user(cls.env, "sign_phone_member", name="周手机", groups="base.group_portal")
        cls.member = cls.member_user.partner_id

    def send_for_signature(self, document):
        """``document`` sent for signature on its real PDF (wkhtmltopdf, styles from this test server);
        the PDF sent."""
        if not pdf_engine_ready(self.env):
            self.skipTest("wkhtmltopdf is not installed")
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        document.with_context(force_report_rendering=True).action_send_for_signature()
        return base64.b64decode(document.sign_request_id.data)

    def signature_lines(self, document, pdf):
        """Party B's signature line and date line in ``pdf``, found here on their own."""
        lines = text_lines(pdf)
        label = normalize(document._signature_party_label())
        party_b = [line for line in lines if line.text.startswith(label)]
        self.assertEqual(len(party_b), 1, f"one signature line {label!r} in {[line.text for line in lines]}")
        date_label = normalize(document._signature_date_label())
        dates = [
            line
            for line in lines
            if line.text.startswith(date_label) and abs(line.x0 - party_b[0].x0) < 1 and line.top > party_b[0].top
        ]
        self.assertEqual(len(dates), 1, "her date line, below her signature line")
        return party_b[0], dates[0]

    def items(self, request):
        signature = [item for item in request.signatory_data.values() if item["field_type"] == "signature"]
        date_field = self.env.ref("clinic_refund.sign_field_signing_date")
        dates = [item for item in request.signatory_data.values() if item["field_id"] == date_field.id]
        self.assertEqual((len(signature), len(dates)), (1, 1))
        return signature[0], dates[0]

    def assertOnSignatureLine(self, item, line, date_line):
        """The signature box starts at the label, right below it, and ends above her date line."""
        self.assertEqual(item["page"], line.page)
        self.assertAlmostEqual(item["position_x"], line.x0 / line.page_width * 100, delta=0.2)
        top = item["position_y"] * line.page_height / 100
        bottom = (item["position_y"] + item["height"]) * line.page_height / 100
        self.assertGreater(top, line.top, "below the label's baseline")
        self.assertLess(top - line.top, line.size, "right below it")
        self.assertLess(bottom, date_line.top - date_line.size, "above her date line")
        self.assertGreater(bottom - top, 3 * line.size, "tall enough to sign in")

    def assertDatePrinted(self, signed_pdf, date_line, date):
        printed = [line for line in text_lines(signed_pdf) if line.text == date]
        self.assertEqual(len(printed), 1, f"the day she signed, {date}, printed once")
        self.assertEqual(printed[0].page, date_line.page)
        self.assertAlmostEqual(printed[0].top, date_line.top, delta=2, msg="on her date line")
        self.assertGreater(printed[0].x0, date_line.x0 + date_line.size, "after the label")


@tagged("post_install", "-at_install")
class TestSignatureOnTheSignatureLine(SignedOnPhoneCase):
    def test_contract_signature_and_date_land_on_party_b_s_lines(self):
        contract = self.create_contract(partner=self.member)
        pdf = self.send_for_signature(contract)
        line, date_line = self.signature_lines(contract, pdf)
        request = contract.sign_request_id
        signature, date = self.items(request)
        self.assertOnSignatureLine(signature, line, date_line)
        self.assertTrue(signature["required"])
        self.assertFalse(date["required"])

        signer = request.signer_ids
        today = signer._clinic_signing_date()
        shown = signer.get_info()["items"][str(date["id"])]
        self.assertEqual((shown["value"], shown["clinic_readonly"]), (today, True), "the page shows the day")
        self.assertFalse(request.signatory_data[str(date["id"])]["value"], "only shown: the day she signs counts")

        items = {key: dict(item, value=signature_png()) for key, item in request.signatory_data.items()}
        items[str(date["id"])]["value"] = "1999-01-01"
        signer.action_sign(items)
        self.assertEqual(contract.state, "signed")
        self.assertEqual(request.signatory_data[str(date["id"])]["value"], today, "dated the day she signs")
        self.assertDatePrinted(base64.b64decode(contract.signed_file), date_line, today)

    def test_settlement_agreement_signature_lands_on_party_b_s_line(self):
        contract = self.active_contract(partner=self.member)
        request = self.file_request(contract)
        form = Form(
            self.env["clinic.refund.settlement.propose"]
            .with_user(self.manager)
            .with_context(default_request_id=request.id)
        )
        form.amount = 2000.0
        form.reason = "协商一致：会员同意部分退款"
        form.save().action_confirm()
        settlement = request.settlement_id
        pdf = self.send_for_signature(settlement.with_user(self.manager))
        line, date_line = self.signature_lines(settlement, pdf)
        sign_request = settlement.sign_request_id
        signature, _date = self.items(sign_request)
        self.assertOnSignatureLine(signature, line, date_line)
        signer = sign_request.sudo().signer_ids
        items = {key: dict(item, value=signature_png()) for key, item in sign_request.signatory_data.items()}
        self.assertNotIn("error", self.sign_from_page(signer, items))
        settlement.invalidate_recordset()
        self.assertEqual(settlement.state, "signed")
        page = self.url_open(signer.access_url)
        self.assertIn(f'href="/my/prepaid-contracts/{contract.id}"', page.text, "back to her refund, on her contract")

    def sign_from_page(self, signer, items):
        """The call sign_oca's signing page makes, as the member: its JSON answer."""
        self.authenticate(self.member_user.login, self.member_user.login)
        response = self.url_open(
            f"/sign_oca/sign/{signer.id}/{signer.access_token}",
            data=json.dumps({"params": {"items": items}}),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return response.json()

    def test_the_member_cannot_move_unrequire_or_date_the_items(self):
        contract = self.create_contract(partner=self.member)
        self.send_for_signature(contract)
        request = contract.sign_request_id
        before = json.loads(json.dumps(request.signatory_data))
        pdf_before = request.data
        signer = request.signer_ids
        # the page sends the items back: a forged one drops the signature and unrequires it
        forged = {key: dict(item, required=False, value=False, position_y=2, page=1) for key, item in before.items()}
        answer = self.sign_from_page(signer, forged)
        self.assertIn("not filled", answer["error"]["data"]["message"])
        request.invalidate_recordset()
        self.assertEqual(request.signatory_data, before)
        self.assertEqual(request.data, pdf_before)
        self.assertEqual((request.state, contract.state, signer.signed_on), ("0_sent", "sent", False))
        with self.assertRaisesRegex(ValidationError, "not filled"):
            signer.action_sign(forged)
        # a signature sent with the box moved to the top of the page goes on the signature line
        moved = {key: dict(item, value=signature_png(), position_x=1, position_y=1) for key, item in before.items()}
        self.assertNotIn("error", self.sign_from_page(signer, moved))
        request.invalidate_recordset()
        contract.invalidate_recordset()
        self.assertEqual(contract.state, "signed")
        placement = ("page", "position_x", "position_y", "width", "height", "required")
        for key, item in request.signatory_data.items():
            self.assertEqual({name: item[name] for name in placement}, {name: before[key][name] for name in placement})

    def test_page_after_signing_leads_back_to_the_member_s_page(self):
        contract = self.create_contract(partner=self.member)
        self.send_for_signature(contract)
        request = contract.sign_request_id
        signer = request.signer_ids
        signer.action_sign({key: dict(item, value=signature_png()) for key, item in request.signatory_data.items()})
        self.authenticate(self.member_user.login, self.member_user.login)
        page = self.url_open(signer.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(f'href="/my/prepaid-contracts/{contract.id}"', page.text)
        self.assertIn(f'href="/my/sign/{request.id}/download"', page.text)


PHONE = {"width": 390, "height": 844}
navigate_to = ChromeBrowser.navigate_to


def navigate_on_a_phone(browser, url, wait_stop=False):
    """Chrome's window is never narrower than 500 px: the page is shown as a phone shows it."""
    browser._websocket_request(
        "Emulation.setDeviceMetricsOverride", params={**PHONE, "deviceScaleFactor": 2, "mobile": True}
    )
    return navigate_to(browser, url, wait_stop=wait_stop)


@tagged("post_install", "-at_install")
class TestSignOnPhoneTour(SignedOnPhoneCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_member_signs_her_contract_on_a_phone(self):
        self.activate_zh_cn()
        self.member_user.lang = "zh_CN"
        contract = self.create_contract(partner=self.member)
        pdf = self.send_for_signature(contract)
        line, date_line = self.signature_lines(contract, pdf)
        signer = contract.sign_request_id.signer_ids

        with patch.object(ChromeBrowser, "navigate_to", navigate_on_a_phone):
            self.start_tour(signer.access_url, "clinic_sign_phone_tour", login=self.member_user.login)

        self.assertTrue(signer.signed_on)
        self.assertEqual(contract.state, "signed")
        signature, _date = self.items(contract.sign_request_id)
        self.assertOnSignatureLine(signature, line, date_line)
        self.assertTrue(signature["value"].startswith("data:image/png;base64,"), "her signature, drawn on the pad")
        self.assertDatePrinted(base64.b64decode(contract.signed_file), date_line, signer._clinic_signing_date())
        page = self.url_open(signer.access_url)
        self.assertIn(f'href="/my/prepaid-contracts/{contract.id}"', page.text)
