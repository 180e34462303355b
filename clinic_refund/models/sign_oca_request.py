import base64

from odoo import fields, models


class SignOcaRequest(models.Model):
    _inherit = "sign.oca.request"

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") == "2_signed":
            self._clinic_store_signed_contracts()
        return res

    def _clinic_store_signed_contracts(self):
        """Bring the signed PDF back to the prepaid contract the request was made for."""
        for request in self:
            contract = request.record_ref
            if not contract or contract._name != "clinic.prepaid.contract" or contract.state != "sent":
                continue
            signers = request.signer_ids.filtered("signed_on")
            signed_on = max(signers.mapped("signed_on"))
            contract.sudo()._set_signed_document(
                base64.b64decode(request.data),
                request.filename or f"{contract.name.replace('/', '_')}.pdf",
                ", ".join(signers.mapped("partner_id.name")),
                fields.Date.context_today(contract, signed_on),
                "electronic",
            )
