from odoo import models


class SignOcaRequest(models.Model):
    _inherit = "sign.oca.request"

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") == "2_signed":
            self._clinic_store_signed_documents()
        return res

    def _clinic_store_signed_documents(self):
        """Bring the signed PDF back to the clinic document (contract, settlement) it was made for."""
        for request in self:
            document = request.record_ref
            if not document or not isinstance(document, self.env.registry["clinic.signature.mixin"]):
                continue
            if document._signature_awaits(request):
                document.sudo()._clinic_store_electronic_signature(request)
