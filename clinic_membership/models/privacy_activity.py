from odoo import api, fields, models

# The consents the clinic asks each member, separately (个人信息保护法 arts. 14, 29).
CONSENT_KINDS = [
    ("sensitive", "Sensitive Personal Information"),
    ("photos_marketing", "Photos in Marketing"),
    ("marketing", "Marketing Messages"),
]


class PrivacyActivity(models.Model):
    """A data processing activity (OCA privacy) the clinic asks its members to consent to: the text they
    agree to, with its version, so that each answer records which text it answered."""

    _inherit = "privacy.activity"

    clinic_kind = fields.Selection(
        CONSENT_KINDS,
        string="Clinic Consent",
        index=True,
        copy=False,
        help="Which of the member's separate consents this activity is: members see it in their portal, "
        "the front desk records it on the member's form.",
    )
    clinic_text_version = fields.Char(
        string="Text Version",
        help="Version of the consent text (e.g. 2026-01): each answer records the version it answered. "
        "Give a new version whenever the text changes.",
    )
    clinic_consent_text = fields.Html(
        string="Consent Text",
        translate=True,
        help="The text the member agrees to, shown to her before she answers.",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True, help="Company whose members are asked."
    )

    _sql_constraints = [
        (
            "clinic_kind_company_unique",
            "UNIQUE(clinic_kind, company_id)",
            "A company has one data processing activity of each clinic consent.",
        ),
    ]

    @api.model
    def _clinic_activities(self, company):
        """The clinic's consent activities of ``company``, by kind ({kind: activity})."""
        activities = self.sudo().search([("clinic_kind", "!=", False), ("company_id", "=", company.id)])
        return {activity.clinic_kind: activity for activity in activities}
