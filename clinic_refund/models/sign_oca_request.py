from odoo import api, models


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

    @api.model
    def _clinic_revoke_download_tokens(self):
        """sign_oca's download route used to mint a permanent access token on a request's file and
        hand it to whoever asked, signer or not: revoke them, the route now serves the signers only."""
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_field", "=", "data"),
                    ("access_token", "!=", False),
                ]
            )
        )
        attachments.write({"access_token": False})
