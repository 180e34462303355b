import copy

from odoo import fields, models


class SignOcaRequestSigner(models.Model):
    _inherit = "sign.oca.request.signer"

    def _clinic_document(self):
        """The clinic document (contract, settlement) this signer signs, or None."""
        document = self.request_id.sudo().record_ref
        if document and isinstance(document, self.env.registry["clinic.signature.mixin"]):
            return document
        return None

    def _clinic_signing_date(self):
        """Today where the member signs (her time zone, else the clinic's), as printed on the document."""
        tz = self.partner_id.tz or self.env.context.get("tz") or self.request_id.company_id.partner_id.tz
        return fields.Date.to_string(fields.Date.context_today(self.with_context(tz=tz)))

    def _clinic_is_signing_date(self, item):
        return item.get("field_id") == self.env.ref("clinic_refund.sign_field_signing_date").id

    def get_info(self, access_token=False):
        """The signing page shows the day the member signs on her date line."""
        info = super().get_info(access_token=access_token)
        if self._clinic_document() is None or self.signed_on:
            return info
        items = copy.deepcopy(info["items"])
        for item in items.values():
            if item.get("role_id") == self.role_id.id and self._clinic_is_signing_date(item):
                item.update(value=self._clinic_signing_date(), clinic_readonly=True)
        return dict(info, items=items)

    def action_sign(self, items, access_token=False, latitude=False, longitude=False):
        if self._clinic_document() is not None:
            items = self._clinic_signed_items(items)
        return super().action_sign(items, access_token=access_token, latitude=latitude, longitude=longitude)

    def _clinic_signed_items(self, items):
        """The request's own items with what the member gives (her signature): a signer's page can send
        any item, but never moves, resizes, retypes or unrequires the clinic's, nor dates the document;
        the date is the day she signs."""
        items = items if isinstance(items, dict) else {}
        signed = {}
        for key, item in self.request_id.signatory_data.items():
            given = items.get(key) if isinstance(items.get(key), dict) else {}
            value = given.get("value")
            if item.get("role_id") != self.role_id.id:
                value = item.get("value")
            elif self._clinic_is_signing_date(item):
                value = self._clinic_signing_date()
            elif item.get("field_type") == "check":
                value = bool(value)
            elif not isinstance(value, str):
                value = False
            signed[key] = dict(item, value=value)
        return signed

    def _clinic_portal_link(self):
        """(url, label) of the member's portal page of the document signed, or (False, False)."""
        document = self._clinic_document()
        if document is None:
            return False, False
        return document._signature_portal_url(), document._signature_portal_label()
