"""The 2025 interpretation on prepaid consumption (法释〔2025〕4号), article by article, with worked figures."""

import base64
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, new_test_user, tagged

from ..tools.refund_policy import (
    ContractTerms,
    LedgerRow,
    compute_interest,
    compute_refund,
    interest_kind,
    quote_from_data,
    quote_to_data,
)
from .common import StoredValueCase

SIGNED = date(2026, 3, 1)


def terms(**kw):
    values = {
        "date_signed": SIGNED,
        "cooling_off_days": 7,
        "refund_fee_percent": 10.0,
        "bonus_policy": "forfeit",
        "consumed_pricing": "actual",
    }
    values.update(kw)
    return ContractTerms(**values)


def quote(contract_terms, rows, reason="dissatisfied", day=SIGNED + timedelta(days=30)):
    return compute_refund(contract_terms, rows, reason=reason, request_date=day, rounding=0.01)


def amounts(result):
    return {line.code: line.amount for line in result.lines}


# 3,000 paid (with 1,000 of bonus) at signing; 1,000 used (800 principal, 200 bonus); 2,000 more paid on day 27
ROWS = [
    LedgerRow("topup", 3000.0, 1000.0, date=SIGNED),
    LedgerRow("consume", -800.0, -200.0, -1000.0, date=SIGNED + timedelta(days=10)),
    LedgerRow("topup", 2000.0, 0.0, date=SIGNED + timedelta(days=27)),
]


@tagged("post_install", "-at_install")
class TestPrepaidLaw2025Engine(BaseCase):
    def test_art_14_a_recent_payment_comes_back_whole_an_older_one_follows_the_terms(self):
        result = quote(terms(), ROWS)
        # 4,200 unused: the 2,000 paid 3 days ago comes back whole; of the other 2,200 the 200 of bonus used is
        # paid back (forfeit) and 10 % of the 2,000 left is the fee: 2,000 + 1,800
        self.assertEqual(result.amount_refundable, 3800.0)
        self.assertEqual(result.fee_amount, 200.0)
        self.assertEqual(
            amounts(result),
            {
                "cooling_off_payments": 2000.0,
                "unused_principal": 2200.0,
                "bonus_forfeit": -200.0,
                "bonus_left": 0.0,
                "fee": -200.0,
            },
        )
        self.assertEqual(result.lines[0].basis["payments"], [{"date": SIGNED + timedelta(days=27), "amount": 2000.0}])
        self.assertEqual(next(line for line in result.lines if line.code == "bonus_left").basis["bonus"], 800.0)

    def test_art_14_seven_days_from_each_payment_the_last_included(self):
        paid = SIGNED + timedelta(days=27)
        for day, recent in ((paid, 2000.0), (paid + timedelta(days=7), 2000.0), (paid + timedelta(days=8), 0.0)):
            with self.subTest(days=(day - paid).days):
                self.assertEqual(amounts(quote(terms(), ROWS, day=day)).get("cooling_off_payments", 0.0), recent)

    def test_art_14_exception_the_same_service_before_signing(self):
        result = quote(terms(payment_cooling_off_excluded=True), ROWS)
        self.assertNotIn("cooling_off_payments", amounts(result))
        self.assertEqual(result.amount_refundable, 3600.0)  # (4,200 - 200) less 10 %

    def test_art_14_what_was_used_is_drawn_from_the_older_payments_first_and_never_refunded(self):
        rows = [
            LedgerRow("topup", 1000.0, 0.0, date=SIGNED),
            LedgerRow("consume", -900.0, 0.0, -900.0, date=SIGNED + timedelta(days=2)),
        ]
        # the one payment is 2 days old, but 900 of it was used: only what is left comes back, with no fee
        result = quote(terms(), rows, day=SIGNED + timedelta(days=3))
        self.assertEqual(amounts(result)["cooling_off_payments"], 100.0)
        self.assertEqual((result.amount_refundable, result.fee_amount), (100.0, 0.0))

    def test_art_14_a_reversed_payment_is_not_asked_back(self):
        rows = [*ROWS, LedgerRow("topup", -2000.0, 0.0, date=SIGNED + timedelta(days=27))]
        self.assertNotIn("cooling_off_payments", amounts(quote(terms(), rows)))

    def test_art_14_the_contracts_longer_cooling_off_prevails(self):
        rows = [LedgerRow("topup", 3000.0, 1000.0, date=SIGNED)]
        result = quote(terms(cooling_off_days=15), rows, reason="cooling_off", day=SIGNED + timedelta(days=12))
        self.assertEqual((result.rule, result.amount_refundable, result.fee_amount), ("cooling_off", 3000.0, 0.0))

    def test_arts_13_and_15_health_or_force_majeure_no_fee_no_list_price_bonus_pro_rata(self):
        rows = [
            LedgerRow("topup", 3000.0, 1000.0, date=SIGNED),
            LedgerRow("consume", -1000.0, 0.0, -1500.0, date=SIGNED + timedelta(days=10)),
        ]
        contract_terms = terms(consumed_pricing="list", bonus_policy="forfeit", refund_fee_percent=20.0)
        for reason in ("health_changed", "force_majeure"):
            with self.subTest(reason):
                result = quote(contract_terms, rows, reason=reason)
                # 2,000 unused; the 1,000 used is priced at 3,000 / 4,000 of it = 750 of principal (art. 18):
                # 250 of the principal used comes back from the bonus; no fee, no list price
                self.assertEqual(result.rule, "no_fault")
                self.assertEqual((result.amount_refundable, result.fee_amount), (2250.0, 0.0))
                self.assertNotIn("list_price", amounts(result))
                self.assertEqual(amounts(result)["bonus_prorata"], 250.0)
        standard = quote(contract_terms, rows, reason="dissatisfied")
        self.assertEqual(standard.fee_amount, 300.0, "by the member's choice the terms' fee applies: (2,000-500) x 20%")

    def test_arts_15_to_17_interest_worked_figure(self):
        # 10,000.00 returned 30 days after termination at a 3.10 % LPR
        self.assertEqual(compute_interest(10000.0, 3.10, date(2026, 3, 1), date(2026, 3, 31), 0.01), (30, 25.48))
        self.assertEqual(compute_interest(10000.0, 3.10, date(2026, 3, 1), date(2026, 3, 1), 0.01), (0, 0.0))
        self.assertEqual(compute_interest(10000.0, 3.10, date(2026, 3, 1), date(2026, 2, 1), 0.01), (0, 0.0))

    def test_art_16_which_rate(self):
        self.assertEqual(interest_kind("treatment_cancelled", 0.0), "lpr")
        self.assertEqual(interest_kind("clinic_relocation_closure", 0.0), "lpr")
        self.assertEqual(interest_kind("dissatisfied", 0.0), "deposit")
        self.assertEqual(interest_kind("health_changed", 0.0), "deposit")
        self.assertEqual(interest_kind("treatment_cancelled", 4.0), "agreed")

    def test_the_quote_with_dated_payments_survives_storage(self):
        result = quote(terms(), ROWS)
        data = quote_to_data(result)
        self.assertEqual(data["lines"][0]["basis"]["payments"][0]["date"], "2026-03-28")
        self.assertEqual(quote_from_data(data).amount_refundable, result.amount_refundable)


@tagged("post_install", "-at_install")
class TestPrepaidLaw2025(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.interest_account = cls.company.clinic_refund_interest_account_id
        cls.Rate = cls.env["clinic.interest.rate"]
        cls.filing_manager = new_test_user(
            cls.env, "law_manager", name="赵经理", groups="base.group_user,clinic_membership.group_clinic_manager"
        )

    def signed_contract(self, signed, principal=10000.0, bonus=0.0, **vals):
        contract = self.create_contract(principal=principal, bonus=bonus, refund_fee_percent=0.0, **vals)
        self.upload_scan(contract, date=signed)
        contract.action_activate()
        self.topup(contract, date=signed)
        return contract

    def backdated_request(self, contract, days, reason):
        return self.file_request(
            contract,
            reason=reason,
            user=self.filing_manager,
            evidence=("contract", "payment_voucher", "communication"),
            request_date=self.today - timedelta(days=days),
            backdate_reason="She asked by phone; the call is recorded.",
        )

    def approve(self, request):
        request.action_submit()
        request.with_user(self.manager).validate_tier()
        if request.state == "to_approve":  # above 5,000: the director's step
            request.with_user(self.director).validate_tier()
        self.assertEqual(request.state, "approved")

    def topped_up_twice(self):
        """3,000 (+1,000 bonus) paid 30 days ago, 1,000 used, then 2,000 more paid 3 days ago."""
        contract = self.create_contract(principal=5000.0, bonus=1000.0, refund_fee_percent=10.0, bonus_policy="forfeit")
        self.upload_scan(contract, date=self.paid_date())
        contract.action_activate()
        self.topup(contract, amount=3000.0, bonus=1000.0, date=self.paid_date())
        self.pay(self.create_invoice(1000.0), 1000.0, contract)
        self.topup(contract, amount=2000.0, bonus=0.0, date=self.today - timedelta(days=3))
        return contract

    # ------------------------------------------------------------------ interest (arts. 15-17)

    def test_interest_at_the_lpr_in_force_at_signing_paid_from_financial_expenses(self):
        contract = self.signed_contract(date(2024, 11, 1))  # the one-year LPR was 3.10 % from 21 October 2024
        request = self.backdated_request(contract, 30, "treatment_cancelled")
        self.assertEqual((request.interest_kind, request.interest_rate), ("lpr", 3.10))
        self.assertEqual(request.amount_requested, 10000.0)
        self.assertEqual((request.interest_days, request.amount_interest), (30, 25.48))
        self.assertEqual(request.amount_total_due, 10025.48)
        self.assertIn("30", request.breakdown)
        self.approve(request)
        self.pay_refund(request)
        refund = request.sudo().stored_value_move_ids.filtered(lambda row: row.move_type == "refund")
        self.assertEqual((refund.amount_principal, refund.amount_interest), (-10000.0, 25.48))
        self.assertEqual(refund.payment_id.amount, 10025.48)
        lines = refund.account_move_id.line_ids
        self.assertEqual(
            sum(lines.filtered(lambda line: line.account_id == self.interest_account).mapped("debit")), 25.48
        )
        self.assertEqual(sum(lines.filtered(lambda line: line.account_id == self.liability).mapped("debit")), 10000.0)
        self.assertEqual((request.amount_interest_paid, request.amount_interest), (25.48, 25.48))
        self.assertEqual(self.liability_balance(), 0.0, "interest never comes from the stored-value liability")

    def test_interest_at_the_deposit_rate_when_the_member_ends_the_contract(self):
        contract = self.signed_contract(date(2025, 6, 1), principal=7300.0)
        request = self.backdated_request(contract, 100, "dissatisfied")
        self.assertEqual((request.interest_kind, request.interest_rate), ("deposit", 1.50))
        # 7,300 x 1.5 % x 100 / 365 = 30.00
        self.assertEqual((request.interest_days, request.amount_interest), (100, 30.0))

    def test_interest_at_the_contracts_agreed_rate(self):
        contract = self.signed_contract(date(2025, 6, 1), interest_rate=5.0)
        request = self.backdated_request(contract, 73, "treatment_cancelled")
        self.assertEqual((request.interest_kind, request.interest_rate), ("agreed", 5.0))
        self.assertEqual(request.amount_interest, 100.0)  # 10,000 x 5 % x 73 / 365

    def test_a_refund_paid_late_grows_by_its_interest_until_paid(self):
        contract = self.signed_contract(date(2024, 11, 1))
        request = self.backdated_request(contract, 30, "treatment_cancelled")
        self.assertEqual(request._interest_until(self.today + timedelta(days=30)), (60, 50.96))
        wizard = self.env["clinic.refund.pay"].with_user(self.accountant).new({"request_id": request.id})
        wizard.date = self.today - timedelta(days=10)
        self.assertEqual((wizard.amount_interest, wizard.amount_total), (16.99, 10016.99))

    def test_no_rate_published_for_the_signing_day_is_a_clear_refusal(self):
        self.Rate.search([]).unlink()
        contract = self.signed_contract(date(2024, 11, 1))
        request = self.file_request(contract, reason="treatment_cancelled")
        self.assertTrue(request.interest_rate_missing)
        with self.assertRaisesRegex(UserError, "No One-year LPR in force on 2024-11-01"):
            request.action_submit()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.review_ids)
        self.Rate.create({"kind": "lpr", "date_from": date(2024, 10, 21), "rate": 3.1, "source": "LPR 2024-10-21"})
        request.action_submit()  # the rate a manager adds counts at once
        self.assertEqual((request.state, request.interest_rate), ("to_approve", 3.1))

    def test_rates_are_a_managers_dated_data(self):
        rate = self.Rate.with_user(self.manager).create(
            {"kind": "lpr", "date_from": date(2026, 6, 22), "rate": 2.9, "source": "全国银行间同业拆借中心 公告"}
        )
        self.assertEqual(self.Rate._rate_on("lpr", date(2026, 7, 1)), rate)
        self.assertEqual(self.Rate._rate_on("lpr", date(2026, 6, 21)).rate, 3.0)
        for user in (self.frontdesk, self.accountant):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.Rate.with_user(user).create({"kind": "lpr", "date_from": date(2026, 9, 1), "rate": 9.9})
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                rate.with_user(user).write({"rate": 9.9})
        self.assertEqual(rate.rate, 2.9)
        for bad in ({"rate": 0.0}, {"rate": -1.0}, {"rate": float("nan")}, {"date_from": False}, {"kind": False}):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                self.Rate.with_user(self.manager).create(
                    {"kind": "lpr", "date_from": date(2026, 9, 1), "rate": 2.5, "source": "x", **bad}
                )
        self.assertFalse(self.Rate.search([("date_from", "=", date(2026, 9, 1))]))

    def test_only_a_refund_carries_interest(self):
        contract = self.active_contract()
        with self.assertRaisesRegex(UserError, "Only a refund carries interest"):
            self.env["clinic.stored.value.move"].sudo()._post_rows(
                [
                    {
                        "contract_id": contract.id,
                        "move_type": "topup",
                        "amount_principal": 100.0,
                        "amount_interest": 5.0,
                        "journal_id": self.bank_journal.id,
                    }
                ]
            )
        self.assertEqual(len(contract.move_ids), 1)

    # ------------------------------------------------------------------ cooling-off per payment (art. 14)

    def test_a_top_up_paid_three_days_ago_comes_back_whole(self):
        contract = self.topped_up_twice()
        request = self.file_request(contract)
        # 2,250 unused of the first payment (250 of bonus used, charged back) less 10 %; the 2,000 whole
        self.assertEqual(request.amount_refundable, 2000.0 + 1800.0)
        self.assertEqual(request.fee_amount, 200.0)
        self.assertIn("Payments of the last seven days, in full", request.breakdown)
        self.assertIn("法释〔2025〕4号 art. 14", request.breakdown)

    def test_no_cooling_off_per_payment_when_she_had_the_same_service_here_before(self):
        package = self.create_package()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "invoice_date": self.today - timedelta(days=60),
                "invoice_line_ids": [
                    Command.create({"product_id": package.product_id.id, "price_unit": 1980.0, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        contract = self.create_contract(
            principal=5000.0, bonus=0.0, package_line_ids=[Command.create({"package_id": package.id})]
        )
        self.upload_scan(contract, date=self.today - timedelta(days=2))
        contract.action_activate()
        self.topup(contract, date=self.today - timedelta(days=2))
        self.assertTrue(contract.prior_service_here)
        request = self.file_request(contract)
        self.assertNotIn("cooling_off_payments", [line["code"] for line in request.quote_data["lines"]])

    def test_a_declaration_of_the_same_service_elsewhere_needs_its_evidence(self):
        with self.assertRaisesRegex(ValidationError, "attach the member's declaration"):
            self.create_contract(prior_service_elsewhere=True)
        contract = self.create_contract(
            prior_service_elsewhere=True,
            prior_service_evidence=base64.b64encode(b"%PDF-1.4 declaration"),
            prior_service_evidence_name="declaration.pdf",
        )
        self.upload_scan(contract, date=self.today - timedelta(days=1))
        contract.action_activate()
        self.topup(contract, date=self.today - timedelta(days=1))
        request = self.file_request(contract)
        self.assertNotIn("cooling_off_payments", [line["code"] for line in request.quote_data["lines"]])

    # ------------------------------------------------------------------ reasonable costs (art. 15), reasons

    def test_no_fee_for_a_material_change_of_health(self):
        contract = self.consumed_contract(refund_fee_percent=10.0, bonus_policy="forfeit")
        request = self.file_request(contract, reason="health_changed")
        self.assertEqual((request.policy_rule, request.fee_amount), ("no_fault", 0.0))
        self.assertEqual(request.amount_refundable, 2250.0)

    def test_the_fee_line_is_the_clinics_reasonable_costs_never_commissions(self):
        contract = self.consumed_contract(refund_fee_percent=10.0, bonus_policy="forfeit")
        request = self.file_request(contract)
        self.assertIn("Reasonable costs claimed by the clinic (refund fee)", request.breakdown)
        self.assertIn("Commissions paid to staff are never part of it", request.breakdown)
        self.assertIn("法释〔2025〕4号 art. 15 paras. 2 and 3", request.breakdown)

    def test_the_breakdown_names_each_article_in_the_members_language(self):
        self.activate_zh_cn()
        contract = self.topped_up_twice()
        request = self.file_request(contract).with_context(lang="zh_CN")
        breakdown = request.breakdown
        for text in (
            "第十四条",
            "第十五条第一款",
            "第十九条第一款",
            "第十五条第二款、第三款",
            "第十五条至第十七条",
            "法律依据",
        ):
            self.assertIn(text, breakdown)
        self.assertNotIn("art.", breakdown)

    # ------------------------------------------------------------------ minors (art. 10)

    def minor(self, years=16):
        return self.env["res.partner"].create(
            {"name": "小美 (16)", "birthday": self.today - timedelta(days=365 * years + 30)}
        )

    def test_a_birth_date_in_the_future_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not possible"):
            self.env["res.partner"].create({"name": "X", "birthday": self.today + timedelta(days=1)})
        with self.assertRaisesRegex(ValidationError, "not a plausible date"):
            self.partner.birthday = date(1800, 1, 1)
        self.assertFalse(self.partner.birthday)

    def test_a_minors_contract_is_signed_by_her_guardian_or_not_activated(self):
        member, mother = (
            self.minor(),
            self.env["res.partner"].create({"name": "小美妈妈", "birthday": date(1985, 5, 1)}),
        )
        contract = self.create_contract(partner=member)
        self.assertTrue(contract.member_is_minor)
        with self.assertRaisesRegex(UserError, "is under 18: name her legal guardian"):
            self.upload_scan(contract, signer=member.name)
        self.assertEqual(contract.state, "draft")
        with self.assertRaisesRegex(ValidationError, "own legal guardian"):
            contract.guardian_id = member
        with self.assertRaisesRegex(ValidationError, "is under 18: a legal guardian is an adult"):
            contract.guardian_id = self.minor(years=15)
        contract.guardian_id = mother
        self.upload_scan(contract, signer=member.name)  # the member signed, not her guardian
        with self.assertRaisesRegex(UserError, "must be signed by her legal guardian 小美妈妈"):
            contract.action_activate()
        self.assertEqual(contract.state, "signed")
        contract = self.create_contract(partner=member, guardian_id=mother.id)
        self.assertEqual(contract._signature_signer(), mother, "the guardian is sent the contract to sign")
        self.upload_scan(contract)  # signed by the guardian, the default signer
        contract.action_activate()
        self.assertEqual(contract.state, "active")

    def test_the_guardian_voids_a_minors_contract_made_without_her(self):
        member = self.env["res.partner"].create({"name": "小丽"})
        contract = self.active_contract(partner=member, refund_fee_percent=10.0, bonus_policy="forfeit")
        self.pay(self.create_invoice(1000.0, partner=member), 1000.0, contract)
        # her date of birth is learned later: she was 16 when she signed, and no guardian signed
        member.birthday = contract.date_signed - timedelta(days=365 * 16)
        request = self.file_request(contract, reason="minor_void")
        # 3,000 paid, 1,000 delivered (750 of it principal): the 2,250 not delivered, no fee, no bonus charged back
        self.assertEqual((request.policy_rule, request.amount_refundable, request.fee_amount), ("void", 2250.0, 0.0))
        self.assertEqual(request.interest_kind, "lpr")
        self.assertIn("法释〔2025〕4号 art. 10", request.breakdown)
        adult = self.active_contract(
            partner=self.env["res.partner"].create({"name": "成年", "birthday": date(1990, 1, 1)})
        )
        with self.assertRaisesRegex(ValidationError, "not made by a minor without her legal guardian"):
            self.file_request(adult, reason="minor_void")
        self.assertFalse(self.env["clinic.refund.request"].search([("contract_id", "=", adult.id)]))
