from odoo import api, models

MAILING_SYNC_FIELDS = {"is_member", "tier_id", "consent_email", "email", "name", "member_company_id"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_enrol_member(self):
        result = super().action_enrol_member()
        self.env["utm.campaign"].sudo()._clinic_grant_welcome(self)
        return result

    def write(self, vals):
        result = super().write(vals)
        if MAILING_SYNC_FIELDS & set(vals):
            members = self.filtered(lambda p: p.is_member or p.sudo().member_company_id)
            members._clinic_sync_mailing_lists()
        return result

    # ------------------------------------------------------------------ newsletters

    def _clinic_sync_mailing_lists(self):
        """Keep one mailing contact per member subscribed to the list of its tier, if it consented to email.

        Unsubscribes are honoured: an opted-out subscription is never turned back on, and a
        member who opted out of one tier list is opted out of the next one too.
        """
        Contact = self.env["mailing.contact"].sudo()
        contacts = Contact.search([("clinic_partner_id", "in", self.ids)])
        by_partner = {contact.clinic_partner_id: contact for contact in contacts}
        for partner in self:
            wanted = partner._clinic_wanted_mailing_list()
            contact = by_partner.get(partner)
            if not contact:
                if not wanted:
                    continue
                contact = Contact.create(
                    {"name": partner.name, "email": partner.email, "clinic_partner_id": partner.id}
                )
            elif (contact.name, contact.email) != (partner.name, partner.email or False):
                contact.write({"name": partner.name, "email": partner.email})
            contact._clinic_subscribe_only(wanted)

    def _clinic_wanted_mailing_list(self):
        self.ensure_one()
        if not (self.is_member and self.tier_id and self.email and self._clinic_has_consent("email")):
            return self.env["mailing.list"]
        return self.tier_id._clinic_ensure_mailing_list()

    @api.model
    def _cron_clinic_sync_mailing_lists(self):
        contacts = self.env["mailing.contact"].sudo().search([("clinic_partner_id", "!=", False)])
        members = self.sudo().search([("is_member", "=", True)])
        (members | contacts.clinic_partner_id)._clinic_sync_mailing_lists()
