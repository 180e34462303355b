import base64

from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicContractScanUpload(models.TransientModel):
    _name = "clinic.contract.scan.upload"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Upload a Signed Paper Contract"

    contract_id = fields.Many2one("clinic.prepaid.contract", readonly=True)
    settlement_id = fields.Many2one("clinic.refund.settlement", readonly=True)
    transfer_id = fields.Many2one("clinic.contract.transfer", readonly=True)
    scan_file = fields.Binary(string="Signed Scan")
    scan_filename = fields.Char(string="File Name")
    signed_by = fields.Char(compute="_compute_signed_by", store=True, readonly=False)
    date_signed = fields.Date(string="Signed On", required=True, default=fields.Date.context_today)

    @api.depends("contract_id", "settlement_id", "transfer_id")
    def _compute_signed_by(self):
        for wizard in self:
            settlement = wizard.settlement_id
            if settlement and settlement.basis != "agreement":
                wizard.signed_by = False  # the body that decided: the clinic types it
            else:
                wizard.signed_by = (wizard.contract_id or settlement or wizard.transfer_id)._signature_signer().name

    def action_confirm(self):
        self.ensure_one()
        document = self.contract_id or self.settlement_id or self.transfer_id
        if not document:
            raise UserError(self.env._("Open the upload from the contract, settlement or transfer it signs."))
        if not self.scan_file:
            raise UserError(self.env._("Choose the file of the signed contract's scan."))
        data = base64.b64decode(self.scan_file)
        if not data:
            raise UserError(self.env._("The signed contract's scan is empty."))
        if not (self.signed_by or "").strip():
            raise UserError(self.env._("Give the name of the person who signed the contract."))
        document._set_signed_document(data, self.scan_filename, self.signed_by.strip(), self.date_signed, "paper")
        return {"type": "ir.actions.act_window_close"}
