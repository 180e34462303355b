from odoo import fields, models


class ClinicRefundEvidence(models.Model):
    _name = "clinic.refund.evidence"
    _description = "Refund Evidence"
    _order = "request_id, id"

    request_id = fields.Many2one("clinic.refund.request", required=True, ondelete="cascade", index=True)
    evidence_type = fields.Selection(
        [
            ("contract", "Contract"),
            ("payment_voucher", "Payment voucher"),
            ("communication", "Communication record"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="other",
    )
    name = fields.Char(string="Description")
    datas = fields.Binary(string="File", attachment=True, required=True)
    filename = fields.Char()
