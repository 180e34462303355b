from odoo import api, fields, models
from odoo.addons.clinic_membership.demo.demo_language import demo_language


class ClinicPrepaidContract(models.Model):
    _inherit = "clinic.prepaid.contract"

    @api.model
    def _create_demo_data(self):
        return self.with_env(demo_language(self.env, "clinic_refund"))._clinic_demo_contracts()

    @api.model
    def _clinic_demo_contracts(self):
        """Demo contracts, top-ups and consumption for the main company, if it has a chart."""
        company = self.env.ref("base.main_company")
        # Demo data loads before the post-init hook that sets the accounting up.
        company._clinic_setup_stored_value_accounting()
        if not company.clinic_stored_value_journal_id or self.search_count([("company_id", "=", company.id)], limit=1):
            return  # no chart of accounts, or demo already there (the file reloads on update)
        contracts = self.with_company(company).with_context(tracking_disable=True)
        journal = contracts.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        if not journal:
            return
        products = self.env["product.product"].create(
            [
                {"name": "光子嫩肤", "type": "service", "list_price": 1980.0},
                {"name": "水光针", "type": "service", "list_price": 2800.0},
            ]
        )
        partners = self.env["res.partner"].create(
            [
                {"name": "张美丽", "city": "上海", "phone": "+86 139 1234 5678", "lang": self.env.lang},
                {"name": "李晓燕", "city": "北京", "phone": "+86 137 8765 4321", "lang": self.env.lang},
            ]
        )
        members = [
            (self.env.ref("clinic_membership.partner_member_portal", raise_if_not_found=False), 10000, 2000),
            (partners[0], 20000, 5000),
            (partners[1], 5000, 500),
        ]
        today = fields.Date.context_today(contracts)
        for partner, principal, bonus in members:
            if not partner:
                continue
            contract = contracts.create(
                {"partner_id": partner.id, "amount_principal": principal, "amount_bonus": bonus}
            )
            contract._clinic_demo_sign_and_pay(journal, today)
            invoice = contracts.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_line_ids": [(0, 0, {"product_id": products[0].id, "quantity": 1})],
                }
            )
            invoice.action_post()
            contract._consume_stored_value(invoice.amount_residual, invoice)
        contracts.create({"partner_id": members[1][0].id, "amount_principal": 8000, "amount_bonus": 800})
        contracts._clinic_demo_packages(products, journal, [members[0][0], partners[1]])

    @api.model
    def _clinic_demo_packages(self, products, journal, partners):
        """Two treatment packages, sold to two members under signed contracts, some sessions used."""
        packages = self.env["clinic.treatment.package"].create(
            [
                {"name": "光子嫩肤 6 次疗程", "product_id": products[0].id, "sessions": 6, "price": 8800.0},
                {"name": "水光针 10 次疗程", "product_id": products[1].id, "sessions": 10, "price": 19800.0},
            ]
        )
        today = fields.Date.context_today(self)
        for partner, package, used in zip(partners, packages, (2, 3), strict=True):
            if not partner:
                continue
            contract = self.create(
                {
                    "partner_id": partner.id,
                    "amount_principal": package.price,
                    "package_line_ids": [fields.Command.create({"package_id": package.id})],
                }
            )
            contract._clinic_demo_sign_and_pay(journal, today)
            contract.package_line_ids._redeem_sessions(
                used, practitioner=self.env.ref("clinic_membership.user_clinic_doctor")
            )

    def _clinic_demo_sign_and_pay(self, journal, date):
        """The demo contract signed on paper (its scan), activated and paid in full into ``journal``."""
        self._set_signed_document(
            b"%PDF-1.4\n% demo scan of the signed paper contract " + self.name.encode(),
            f"{self.name.replace('/', '_')}-signed.pdf",
            self.partner_id.name,
            date,
            "paper",
        )
        self.action_activate()
        self.env["clinic.stored.value.topup"].create(
            {"contract_id": self.id, "journal_id": journal.id}
        ).action_confirm()
