import base64
import io
from contextlib import contextmanager
from datetime import timedelta

from reportlab.pdfgen import canvas

from odoo import Command, fields
from odoo.addons.clinic_membership.tests.common import activate_zh_cn
from odoo.tests import Form, TransactionCase, new_test_user


def make_pdf(text="Signed contract"):
    """A real one-page PDF (sign_oca stamps signatures into it)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


class StoredValueCase(TransactionCase):
    """A Chinese clinic (l10n_cn chart, CNY) with a member, a bank journal and clinic users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.company._clinic_setup_stored_value_accounting()
        cls.liability = cls.company.clinic_stored_value_account_id
        cls.bonus_account = cls.company.clinic_stored_value_bonus_account_id
        cls.bank_journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )
        cls.cash_journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "cash")], limit=1
        )
        cls.template = cls.env.ref("clinic_refund.clinic_contract_template_default")
        cls.partner = cls.env["res.partner"].create({"name": "王丽 (test member)", "email": "wl@example.com"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Botox treatment",
                "type": "service",
                "list_price": 1000.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.manager = new_test_user(
            cls.env,
            "sv_manager",
            name="李经理",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_manager,"
            "clinic_membership.group_clinic_practitioner,account.group_account_invoice",
        )
        cls.frontdesk = new_test_user(
            cls.env,
            "sv_frontdesk",
            name="王前台",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
            "account.group_account_invoice",
        )
        cls.accountant = new_test_user(
            cls.env,
            "rf_accountant",
            name="张会计",
            groups="base.group_user,clinic_membership.group_clinic_accountant,account.group_account_manager",
        )
        cls.director = new_test_user(
            cls.env, "rf_director", name="陈院长", groups="base.group_user,clinic_membership.group_clinic_director"
        )
        cls.today = fields.Date.context_today(cls.env.user)

    def setUp(self):
        super().setUp()
        # Every scenario ends with a sub-ledger that agrees with the general ledger.
        self.addCleanup(self.assertReconciled)

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """Like unittest's, inside Odoo's savepoint: the failed operation is rolled back, as in production."""
        with self.assertRaises(expected_exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), expected_regex)

    # ------------------------------------------------------------------ helpers

    def activate_zh_cn(self):
        activate_zh_cn(self.env)

    def create_contract(self, partner=None, principal=3000.0, bonus=1000.0, **vals):
        return self.env["clinic.prepaid.contract"].create(
            {
                "partner_id": (partner or self.partner).id,
                "template_id": self.template.id,
                "amount_principal": principal,
                "amount_bonus": bonus,
                **vals,
            }
        )

    def upload_scan(self, contract, data=b"%PDF-1.4 signed paper contract", signer=None, date=None):
        wizard = self.env["clinic.contract.scan.upload"].create(
            {
                "contract_id": contract.id,
                "scan_file": base64.b64encode(data) if data else False,
                "scan_filename": "signed.pdf",
                "signed_by": signer or contract._signature_signer().name,
                "date_signed": date or self.today,
            }
        )
        return wizard.action_confirm()

    def topup(self, contract, amount=None, bonus=None, journal=None, date=None):
        form = Form(self.env["clinic.stored.value.topup"].with_context(default_contract_id=contract.id))
        if amount is not None:
            form.amount = amount
        if bonus is not None:
            form.amount_bonus = bonus
        if journal:
            form.journal_id = journal
        if date:
            form.date = date
        wizard = form.save()
        wizard.action_confirm()
        return contract.move_ids.filtered(lambda r: r.move_type == "topup").sorted("id")[-1:]

    # Contracts of the helpers are signed and paid this many days before today: a request filed today
    # follows the contract's terms, past the seven days each payment can be asked back whole (法释〔2025〕4号
    # art. 14). The cooling-off tests sign and pay on the days they need.
    paid_days_ago = 30

    def paid_date(self):
        return self.today - timedelta(days=self.paid_days_ago)

    def active_contract(self, principal=3000.0, bonus=1000.0, partner=None, **vals):
        """A contract signed on paper, activated and topped up with its principal and bonus."""
        contract = self.create_contract(partner=partner, principal=principal, bonus=bonus, **vals)
        self.upload_scan(contract, date=self.paid_date())
        contract.action_activate()
        self.topup(contract, date=self.paid_date())
        return contract

    def create_package(self, sessions=6, price=5000.0, list_price=1980.0, validity_months=12, name="光子嫩肤 6 次"):
        product = self.env["product.product"].create(
            {"name": f"{name} (单次)", "type": "service", "list_price": list_price, "taxes_id": [Command.clear()]}
        )
        return self.env["clinic.treatment.package"].create(
            {
                "name": name,
                "product_id": product.id,
                "sessions": sessions,
                "price": price,
                "validity_months": validity_months,
            }
        )

    def package_contract(self, package=None, principal=None, bonus=0.0, partner=None, paid=True, **vals):
        """An active contract selling ``package`` (and cash value above its price), paid in full."""
        package = package or self.create_package()
        contract = self.create_contract(
            partner=partner,
            principal=principal if principal is not None else package.price,
            bonus=bonus,
            package_line_ids=[Command.create({"package_id": package.id})],
            **vals,
        )
        self.upload_scan(contract, date=self.paid_date())
        contract.action_activate()
        if paid:
            self.topup(contract, date=self.paid_date())
        return contract

    def redeem(self, line, quantity=1, user=None, partner=None, practitioner=None):
        form = Form(
            self.env["clinic.session.redeem"]
            .with_user(user or self.frontdesk)
            .with_context(default_partner_id=(partner or line.partner_id).id)
        )
        form.package_line_id = line
        form.quantity = quantity
        form.practitioner_id = practitioner or self.manager
        return form.save().action_confirm()

    def create_invoice(self, amount, partner=None, post=True):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.partner).id,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": amount,
                            "quantity": 1,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def pay(self, invoice, amount=None, contract=None):
        form = Form(self.env["clinic.stored.value.pay"].with_context(default_invoice_id=invoice.id))
        if contract:
            form.contract_id = contract
        if amount is not None:
            form.amount = amount
        wizard = form.save()
        wizard.action_confirm()
        return invoice.clinic_stored_value_move_ids.sorted("id")[-1:]

    def file_request(
        self, contract, reason="dissatisfied", user=None, evidence=("contract", "payment_voucher"), **vals
    ):
        return (
            self.env["clinic.refund.request"]
            .with_user(user or self.frontdesk)
            .create(
                {
                    "partner_id": contract.partner_id.id,
                    "contract_id": contract.id,
                    "reason": reason,
                    "request_date": self.today,
                    "evidence_ids": [
                        Command.create(
                            {
                                "evidence_type": kind,
                                "datas": base64.b64encode(b"%PDF-1.4 evidence"),
                                "filename": f"{kind}.pdf",
                            }
                        )
                        for kind in evidence
                    ],
                    **vals,
                }
            )
        )

    def consumed_contract(self, principal=3000.0, bonus=1000.0, consumed=1000.0, **terms):
        contract = self.active_contract(principal=principal, bonus=bonus, **terms)
        if consumed:
            self.pay(self.create_invoice(consumed), consumed, contract)
        return contract

    def pay_refund(self, request, user=None):
        wizard = Form(
            self.env["clinic.refund.pay"].with_user(user or self.accountant).with_context(default_request_id=request.id)
        ).save()
        return wizard.action_confirm()

    def liability_balance(self, partner=None):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.liability.id),
                ("partner_id", "=", (partner or self.partner).id),
                ("parent_state", "=", "posted"),
            ]
        )
        return -sum(lines.mapped("balance"))

    def assertReconciled(self, date=None):
        rows = self.env["clinic.stored.value.reconciliation"]._get_reconciliation_data(date or self.today, self.company)
        for row in rows:
            self.assertTrue(
                self.currency.is_zero(row["difference"]),
                f"partner {row['partner_id']}: sub-ledger {row['subledger']} != general ledger {row['gl']}",
            )
        return rows
