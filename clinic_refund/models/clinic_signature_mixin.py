import base64
import hashlib
import io
import logging

from markupsafe import Markup

from odoo import fields, models
from odoo.addons.clinic_membership.models.clinic_guarded_mixin import EARLIEST_BUSINESS_DATE
from odoo.addons.clinic_membership.tools.pdf import INSTALL_HINT, pdf_engine_ready
from odoo.exceptions import UserError
from odoo.tools.pdf import PdfFileReader

from ..tools.pdf_text import normalize, text_lines

_logger = logging.getLogger(__name__)

PENDING_SIGN_STATES = ("0_sent", "1_draft")
# The member's signature box (% of the page, as sign_oca places its items): sign_oca stretches the
# drawn signature to it, about the shape of its signature pad.
SIGNATURE_WIDTH = 30
SIGNATURE_HEIGHT = 7
SIGNING_DATE_WIDTH = 25


class ClinicSignatureMixin(models.AbstractModel):
    """A document the member signs: electronically (an OCA ``sign.oca.request`` on its PDF) or on
    paper (an uploaded scan). Either way the signed file is stored with its SHA-256, signer and
    date, and ``action_verify_signature`` tells whether the file is still the one signed.

    The model inheriting it is a ``mail.thread`` and a ``clinic.guarded.mixin`` whose
    ``_action_write`` writes flow fields, and gives:

    - ``_check_can_be_signed()``: refuse documents not waiting for a signature;
    - ``_signature_report_xmlid()``: the report printing the document to sign;
    - ``_signature_signer()``: the partner who signs;

    and has a ``state`` with the values ``sent`` (waiting for its electronic signature) and
    ``signed``, which the mixin moves it to.
    """

    _name = "clinic.signature.mixin"
    _description = "Clinic signed document"

    # Signature evidence: staff only, never the portal.
    signature_method = fields.Selection(
        [
            ("paper", "Paper scan"),
            ("electronic", "Electronic signature"),
            ("migrated", "Signed before, brought over from a previous system"),
        ],
        readonly=True,
        copy=False,
        tracking=True,
    )
    date_signed = fields.Date(string="Signed On", readonly=True, copy=False, tracking=True)
    signed_by = fields.Char(readonly=True, copy=False, groups="clinic_membership.group_clinic_user")
    signed_file = fields.Binary(
        attachment=True,
        readonly=True,
        copy=False,
        groups="clinic_membership.group_clinic_user",
    )
    signed_filename = fields.Char(readonly=True, copy=False, groups="clinic_membership.group_clinic_user")
    signed_sha256 = fields.Char(string="SHA-256", readonly=True, copy=False)
    signature_tampered = fields.Boolean(
        string="Signed File Altered",
        readonly=True,
        copy=False,
        tracking=True,
        help="Set by the Verify action when the stored file no longer matches its SHA-256.",
    )
    sign_request_id = fields.Many2one("sign.oca.request", string="Signature Request", readonly=True, copy=False)

    # ------------------------------------------------------------------ what the document gives

    def _check_can_be_signed(self):
        raise NotImplementedError

    def _signature_report_xmlid(self):
        raise NotImplementedError

    def _signature_signer(self):
        return self.partner_id

    def _signature_in_signer_language(self):
        """This document in the language of who signs it (what her page and her PDF say)."""
        return self.with_context(lang=self._signature_signer().lang or self.env.lang)

    def _signature_request_name(self):
        """What the member's list of documents to sign calls it, in her language."""
        return self._signature_in_signer_language().display_name

    def _signature_filename(self):
        return f"{self.display_name.replace('/', '_')}.pdf"

    def _signature_party_label(self):
        """The label of the member's signature line, in her language: the report prints it
        (``clinic_refund.report_signature_block``) and the signature is placed on it."""
        return self._signature_in_signer_language().env._("Party B (signature):")

    def _signature_date_label(self):
        """The label of the member's date line, below her signature, in her language."""
        return self._signature_in_signer_language().env._("Date:")

    def _signature_awaits(self, request):
        """Whether ``request``, now signed, signs this document."""
        return self.state == "sent" and self.sign_request_id == request and not self.signed_sha256

    # ------------------------------------------------------------------ electronic signature

    def action_send_for_signature(self):
        """Create an electronic signature request (OCA sign) on the document's PDF for the member."""
        self.ensure_one()
        self._check_can_be_signed()
        if self.sign_request_id.state in PENDING_SIGN_STATES:
            raise UserError(self.env._("%s already waits for its electronic signature.", self.display_name))
        pdf = self._render_signature_pdf()
        request = self.env["sign.oca.request"].sudo().create(self._prepare_sign_request_vals(pdf))
        for item in self._prepare_sign_request_items(pdf):
            request.add_item(item)
        request.action_send()
        self._action_write({"state": "sent", "sign_request_id": request.id})
        self.message_post(
            body=self.env._("Sent to %s for electronic signature.", self._signature_signer().display_name),
        )
        return True

    def _render_signature_pdf(self):
        self.ensure_one()
        if not pdf_engine_ready(self.env):
            raise UserError(
                self.env._(
                    "%(document)s cannot be sent for electronic signature: this server cannot print "
                    "PDFs (wkhtmltopdf is not installed). Ask your administrator to install it (%(hint)s), "
                    "or print the document from the browser, have it signed on paper and upload the scan.",
                    document=self.display_name,
                    hint=INSTALL_HINT,
                )
            )
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(self._signature_report_xmlid(), self.ids)
        return pdf

    def _prepare_sign_request_vals(self, pdf):
        return {
            "name": self._signature_request_name(),
            "data": base64.b64encode(pdf),
            "filename": self._signature_filename(),
            "record_ref": f"{self._name},{self.id}",
            "company_id": self.company_id.id,
            "user_id": self.env.user.id,
            "signer_ids": [
                (
                    0,
                    0,
                    {
                        "partner_id": self._signature_signer().id,
                        "role_id": self.env.ref("sign_oca.sign_role_customer").id,
                    },
                )
            ],
        }

    def _prepare_sign_request_items(self, pdf):
        """The member's signature on her signature line (Party B's, in the PDF ``pdf`` of the document)
        and the day she signs on her date line below it; a signature box at the foot of the last page
        when the PDF has no such line (a PDF not printed by our reports)."""
        lines = text_lines(pdf)
        label = normalize(self._signature_party_label())
        party_b = [line for line in lines if line.text.startswith(label)]
        if not party_b:
            _logger.warning("%s: no signature line %r in its PDF, the signature box goes at the foot.", self, label)
            return [self._prepare_sign_request_item(pdf)]
        line = party_b[-1]
        date_label = normalize(self._signature_date_label())
        date_line = next(
            (
                other
                for other in lines
                if other.page == line.page
                and other.top > line.top
                and abs(other.x0 - line.x0) < line.size
                and other.text.startswith(date_label)
            ),
            None,
        )
        width, height = line.page_width, line.page_height
        # between the label and the date line, from the label's start (the report leaves the space)
        top = line.top + line.size * 0.5
        bottom = date_line.top - date_line.size * 1.3 if date_line else top + SIGNATURE_HEIGHT * height / 100
        bottom = max(bottom, top + 3 * line.size)
        right = min(line.x0 + SIGNATURE_WIDTH * width / 100, width - 20)
        items = [
            {
                **self._signature_item_base("sign_oca.sign_field_signature", True),
                "page": line.page,
                "position_x": round(line.x0 / width * 100, 2),
                "position_y": round(top / height * 100, 2),
                "width": round((right - line.x0) / width * 100, 2),
                "height": round((bottom - top) / height * 100, 2),
            }
        ]
        if date_line:
            # on the blank after the label: sign_oca prints the text 2 pt above the box's bottom
            x = date_line.x_of("_")
            x = x if x is not None else date_line.x0 + len(date_label) * date_line.size
            box = date_line.size * 1.6
            items.append(
                {
                    **self._signature_item_base("clinic_refund.sign_field_signing_date", False),
                    "page": date_line.page,
                    "position_x": round(x / width * 100, 2),
                    "position_y": round((date_line.top + 2 - box) / height * 100, 2),
                    "width": SIGNING_DATE_WIDTH,
                    "height": round(box / height * 100, 2),
                    "placeholder": self._signature_in_signer_language().env._("Date of signing"),
                }
            )
        return items

    def _signature_item_base(self, field_xmlid, required):
        return {
            "field_id": self.env.ref(field_xmlid).id,
            "role_id": self.env.ref("sign_oca.sign_role_customer").id,
            "required": required,
        }

    def _prepare_sign_request_item(self, pdf):
        """A signature box at the foot of the last page (where a document's signature block usually is)."""
        return {
            **self._signature_item_base("sign_oca.sign_field_signature", True),
            "page": len(PdfFileReader(io.BytesIO(pdf)).pages),
            "position_x": 60,
            "position_y": 82,
            "width": 30,
            "height": 8,
        }

    def _signature_portal_url(self):
        """The member's portal page of this document, where the page thanking her for signing leads."""
        return "/my"

    def _signature_portal_label(self):
        """The link to ``_signature_portal_url()``, in the member's language."""
        return self._signature_in_signer_language().env._("Back to my account")

    def _clinic_store_electronic_signature(self, request):
        """Bring the PDF signed through ``request`` back to this document."""
        self.ensure_one()
        signers = request.signer_ids.filtered("signed_on")
        signed_on = max(signers.mapped("signed_on"))
        self._set_signed_document(
            base64.b64decode(request.data),
            request.filename or self._signature_filename(),
            ", ".join(signers.mapped("partner_id.name")),
            fields.Date.context_today(self, signed_on),
            "electronic",
        )

    def _cancel_pending_sign_request(self):
        for request in self.sign_request_id.filtered(lambda r: r.state in PENDING_SIGN_STATES):
            request.sudo().cancel()

    # ------------------------------------------------------------------ the signed file

    def _signature_earliest_date(self):
        """The first day the document can have been signed (a paper contract is often recorded after it)."""
        return EARLIEST_BUSINESS_DATE

    def _check_signature_not_too_early(self, date_signed):
        earliest = self._signature_earliest_date()
        if date_signed < earliest:
            raise UserError(
                self.env._(
                    "%(document)s cannot have been signed on %(date)s, before %(earliest)s: check the date.",
                    document=self.display_name,
                    date=fields.Date.to_string(date_signed),
                    earliest=fields.Date.to_string(earliest),
                )
            )

    def _set_signed_document(self, data, filename, signer, date_signed, method):
        """Store the signed file (bytes) with its SHA-256: the only way a document becomes signed."""
        self.ensure_one()
        self._check_can_be_signed()
        if not data:
            raise UserError(self.env._("Attach the signed file."))
        if not date_signed:
            raise UserError(self.env._("Give the date the document was signed."))
        if date_signed > fields.Date.context_today(self):
            raise UserError(self.env._("A document cannot be signed in the future."))
        self._check_signature_not_too_early(date_signed)
        digest = hashlib.sha256(data).hexdigest()
        if method == "paper":
            self._cancel_pending_sign_request()
        self._action_write(
            {
                "signed_file": base64.b64encode(data),
                "signed_filename": filename or self._signature_filename(),
                "signed_sha256": digest,
                "signed_by": signer or self._signature_signer().name,
                "date_signed": date_signed,
                "signature_method": method,
                "signature_tampered": False,
                "state": "signed",
            }
        )
        self.message_post(
            body=Markup("%s<br/>SHA-256: <code>%s</code>")
            % (
                self.env._(
                    "%(document)s signed by %(signer)s on %(date)s (%(method)s).",
                    document=self.display_name,
                    signer=self.signed_by,
                    date=fields.Date.to_string(date_signed),
                    method=dict(self._fields["signature_method"]._description_selection(self.env))[method],
                ),
                digest,
            )
        )

    def _stored_signed_bytes(self):
        self.ensure_one()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", "signed_file")],
                limit=1,
            )
        )
        return attachment.raw or b""

    def action_verify_signature(self):
        """Recompute the SHA-256 of the stored signed file and flag any difference in the chatter."""
        self.ensure_one()
        if not self.signed_sha256:
            raise UserError(self.env._("%s has no signed file to verify.", self.display_name))
        digest = hashlib.sha256(self._stored_signed_bytes()).hexdigest()
        if digest == self.signed_sha256:
            self.message_post(body=self.env._("Signed file verified: its SHA-256 matches the one recorded at signing."))
            return self._notify(self.env._("The signed file is intact."), "success")
        self._action_write({"signature_tampered": True})
        self.message_post(
            body=Markup("<strong>%s</strong><br/>%s <code>%s</code><br/>%s <code>%s</code>")
            % (
                self.env._("Warning: the stored signed file has been altered since signing."),
                self.env._("Recorded SHA-256:"),
                self.signed_sha256,
                self.env._("Current SHA-256:"),
                digest,
            ),
            subtype_xmlid="mail.mt_comment",
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Signed file altered"),
            user_id=(self.user_id or self.env.user).id,
        )
        return self._notify(self.env._("The signed file does NOT match its SHA-256: it has been altered."), "danger")

    def _notify(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": kind == "danger"},
        }
