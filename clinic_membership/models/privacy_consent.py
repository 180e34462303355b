from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.protected import check_protected_fields

# Written when a consent is answered (``action_answer``), never by a user directly.
ANSWER_FIELDS = ("clinic_channel", "clinic_text_version", "clinic_date_answered")
STAFF_CHANNELS = ("desk", "paper")


class PrivacyConsent(models.Model):
    """A member's answer to one of the clinic's consents (OCA privacy_consent), with the channel, the
    text version and the moment she answered (个人信息保护法 arts. 14, 15, 29).

    Members answer in their portal (/my/privacy), the front desk records what she gave at the desk or
    on paper (``_clinic_answer``), and privacy_consent's mail links keep working. Each answer is a
    message in the consent's chatter. Withdrawing the marketing consent turns her channels off at once.
    """

    _inherit = "privacy.consent"

    clinic_kind = fields.Selection(related="activity_id.clinic_kind", store=True, string="Clinic Consent")
    company_id = fields.Many2one(related="activity_id.company_id", store=True, index=True)
    clinic_channel = fields.Selection(
        [("portal", "Member Portal"), ("desk", "Front Desk"), ("paper", "Paper Form"), ("mail_link", "Mail Link")],
        string="Answered Through",
        readonly=True,
        copy=False,
    )
    clinic_text_version = fields.Char(string="Text Version Answered", readonly=True, copy=False)
    clinic_date_answered = fields.Datetime(string="Answered On", readonly=True, copy=False)

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, ANSWER_FIELDS)
        consents = super().create(vals_list)
        consents._clinic_apply_withdrawals()
        return consents

    def write(self, vals):
        check_protected_fields(self, vals, ANSWER_FIELDS)
        result = super().write(vals)
        if {"state", "accepted", "activity_id", "partner_id"} & set(vals):
            self._clinic_apply_withdrawals()
        return result

    # ------------------------------------------------------------------ answers

    def action_answer(self, answer, metadata=False):
        """privacy_consent's answer, recorded with its channel, the text version and the moment, and
        told in the chatter. The channel comes from the clinic's flows (context), else the mail link
        (privacy_consent's own route answers as the subject)."""
        channel = self.env.context.get("clinic_consent_channel") or (
            "mail_link" if self.env.context.get("subject_answering") else "desk"
        )
        self.check_access("write")  # the answer itself is written with the caller's rights
        now = fields.Datetime.now()
        for consent in self:
            consent.sudo().write(
                {
                    "clinic_channel": channel,
                    "clinic_text_version": consent.activity_id.clinic_text_version or False,
                    "clinic_date_answered": now,
                }
            )
        result = super().action_answer(answer, metadata)
        self._clinic_log_answer()
        return result

    def _clinic_answer(self, accepted, channel, metadata=False):
        """Record the member's answer given through ``channel``: ``portal`` by herself, ``desk`` or
        ``paper`` by the front desk. The caller's right is checked; the answer is written with privilege
        raised (neither members nor the desk write consents directly)."""
        self._check_can_answer(channel)
        self.sudo().with_context(clinic_consent_channel=channel, subject_answering=channel == "portal").action_answer(
            bool(accepted), metadata
        )
        return True

    def _check_can_answer(self, channel):
        user = self.env.user
        if channel == "portal":
            if any(consent.partner_id != user.partner_id.commercial_partner_id for consent in self):
                raise AccessError(self.env._("A member answers only her own consents."))
        elif channel in STAFF_CHANNELS:
            if not user.has_group("clinic_membership.group_clinic_user"):
                raise AccessError(self.env._("Only clinic staff record a consent given at the desk or on paper."))
            self.check_access("read")  # the member's company is one of the user's
        else:
            raise UserError(self.env._("Unknown consent channel: %(channel)s", channel=channel))

    def _clinic_log_answer(self):
        channels = dict(self._fields["clinic_channel"]._description_selection(self.env))
        for consent in self.sudo():
            if consent.accepted:
                body = self.env._(
                    "Consent given through %(channel)s (text version %(version)s).",
                    channel=channels.get(consent.clinic_channel, ""),
                    version=consent.clinic_text_version or "-",
                )
            else:
                body = self.env._(
                    "Consent refused or withdrawn through %(channel)s (text version %(version)s).",
                    channel=channels.get(consent.clinic_channel, ""),
                    version=consent.clinic_text_version or "-",
                )
            consent.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _clinic_apply_withdrawals(self):
        """A withdrawn (or refused) marketing consent takes effect at once: the member's channels are off."""
        withdrawn = self.sudo().filtered(
            lambda c: c.clinic_kind == "marketing" and c.state == "answered" and not c.accepted
        )
        withdrawn.partner_id._clinic_withdraw_channel_consents()
