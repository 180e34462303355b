import base64
import hashlib
import io

from markupsafe import Markup

from odoo import fields, models
from odoo.addons.clinic_membership.models.clinic_guarded_mixin import EARLIEST_BUSINESS_DATE
from odoo.addons.clinic_membership.tools.pdf import INSTALL_HINT, pdf_engine_ready
from odoo.exceptions import UserError
from odoo.tools.pdf import PdfFileReader

PENDING_SIGN_STATES = ("0_sent", "1_draft")


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

    def _signature_request_name(self):
        """What the member's list of documents to sign calls it."""
        return self.display_name

    def _signature_filename(self):
        return f"{self.display_name.replace('/', '_')}.pdf"

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
        request.add_item(self._prepare_sign_request_item(pdf))
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

    def _prepare_sign_request_item(self, pdf):
        """The member's signature box, on the last page where the document's signature block is."""
        return {
            "field_id": self.env.ref("sign_oca.sign_field_signature").id,
            "role_id": self.env.ref("sign_oca.sign_role_customer").id,
            "required": True,
            "page": len(PdfFileReader(io.BytesIO(pdf)).pages),
            "position_x": 60,
            "position_y": 82,
            "width": 30,
            "height": 8,
        }

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
