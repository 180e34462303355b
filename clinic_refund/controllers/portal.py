from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError
from odoo.http import request


class ClinicRefundPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "clinic_contract_count" in counters:
            Contract = request.env["clinic.prepaid.contract"]
            values["clinic_contract_count"] = (
                Contract.search_count(self._clinic_contract_domain()) if Contract.has_access("read") else 0
            )
        return values

    def _clinic_contract_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", partner.id), ("state", "!=", "draft")]

    @http.route("/my/prepaid-contracts", type="http", auth="user", website=True)
    def portal_my_prepaid_contracts(self, **kw):
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id.commercial_partner_id
        values.update(
            {
                "contracts": request.env["clinic.prepaid.contract"].search(self._clinic_contract_domain()),
                "member": partner,
                "page_name": "clinic_prepaid_contracts",
            }
        )
        return request.render("clinic_refund.portal_my_prepaid_contracts", values)

    @http.route("/my/prepaid-contracts/<int:contract_id>", type="http", auth="user", website=True)
    def portal_my_prepaid_contract(self, contract_id, **kw):
        try:
            contract = self._document_check_access("clinic.prepaid.contract", contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if contract.state == "draft":
            return request.redirect("/my/prepaid-contracts")
        signer = contract.sudo().sign_request_id.signer_ids.filtered(
            lambda s: s.partner_id == request.env.user.partner_id and not s.signed_on
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "contract": contract,
                "moves": contract.move_ids.filtered(lambda row: row.state == "posted"),
                "sign_url": signer[:1].access_url if contract.state == "sent" and signer else False,
                "page_name": "clinic_prepaid_contract",
            }
        )
        return request.render("clinic_refund.portal_my_prepaid_contract", values)
