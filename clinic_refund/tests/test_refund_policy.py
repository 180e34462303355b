"""Table-driven tests of the refund policy engine (a pure function: no database needed)."""

from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools.refund_policy import ContractTerms, LedgerRow, PackageTerms, compute_refund

SIGNED = date(2026, 3, 1)


def terms(**kw):
    values = {
        "date_signed": SIGNED,
        "cooling_off_days": 7,
        "refund_fee_percent": 0.0,
        "bonus_policy": "forfeit",
        "consumed_pricing": "actual",
    }
    values.update(kw)
    return ContractTerms(**values)


def topup(principal, bonus=0.0):
    return LedgerRow("topup", principal, bonus)


def consume(principal, bonus=0.0, list_amount=None):
    return LedgerRow("consume", -principal, -bonus, -(list_amount if list_amount is not None else principal + bonus))


# 6 x photorejuvenation for 5,000 (833.33 a session, the last 833.35); 1,980 a single session
PHOTO = PackageTerms("photo", "光子嫩肤 6 次", 6, 5000.0, 833.33)


def session(count, unit=833.33, list_unit=1980.0, package="photo"):
    """``count`` sessions of a package paid from principal (list value at the single-session price)."""
    amount = round(count * unit, 2)
    return LedgerRow("consume", -amount, 0.0, -count * list_unit, package=package, sessions=-count)


def quote(contract_terms, rows, reason="dissatisfied", day=30, fee_cap=100.0, *, packages=()):
    return compute_refund(
        contract_terms,
        rows,
        reason=reason,
        request_date=date(2026, 3, 1 + day) if day < 31 else date(2026, 4, day - 30),
        rounding=0.01,
        fee_cap_percent=fee_cap,
        packages=packages,
    )


@tagged("post_install", "-at_install")
class TestRefundPolicy(BaseCase):
    def check(self, cases):
        for name, contract_terms, rows, kwargs, refundable, fee, rule in cases:
            with self.subTest(name):
                result = quote(contract_terms, rows, **kwargs)
                self.assertAlmostEqual(result.amount_refundable, refundable, places=2)
                self.assertAlmostEqual(result.fee_amount, fee, places=2)
                self.assertEqual(result.rule, rule)
                self.assertAlmostEqual(
                    sum(line.amount for line in result.lines),
                    refundable,
                    places=2,
                    msg="the breakdown, fee line included, adds up to the refund",
                )

    def test_design_worked_example_to_the_cent(self):
        # 3,000 paid + 1,000 bonus, 3,594 consumed: prorata takes 2,695.50 of principal
        rows = [topup(3000, 1000), consume(2695.50, 898.50)]
        result = quote(terms(bonus_policy="prorata"), rows)
        self.assertEqual(result.amount_refundable, 304.50)
        prorata = next(line for line in result.lines if line.code == "bonus_prorata")
        self.assertEqual(prorata.basis["principal_consumed"], 2695.50)
        # the same consumption taken principal first is re-split to the same refund
        result = quote(terms(bonus_policy="prorata"), [topup(3000, 1000), consume(3000, 594)])
        self.assertEqual(result.amount_refundable, 304.50)

    def test_cooling_off_boundaries(self):
        rows = [topup(5000, 500)]
        self.check(
            [
                ("signing day", terms(refund_fee_percent=10), rows, {"day": 0}, 5000, 0, "cooling_off"),
                (
                    "day N, the last day, included",
                    terms(refund_fee_percent=10),
                    rows,
                    {"day": 7},
                    5000,
                    0,
                    "cooling_off",
                ),
                ("day N+1 is too late", terms(refund_fee_percent=10), rows, {"day": 8}, 4500, 500, "standard"),
                (
                    "a 3-day clause",
                    terms(cooling_off_days=3, refund_fee_percent=10),
                    rows,
                    {"day": 4},
                    4500,
                    500,
                    "standard",
                ),
                (
                    "one consumption ends cooling-off",
                    terms(refund_fee_percent=10),
                    [*rows, consume(100)],
                    {"day": 2},
                    4410,
                    490,
                    "standard",
                ),
            ]
        )

    def test_clinic_at_fault_refunds_unused_principal_without_fee_or_repricing(self):
        rows = [topup(10000, 2000), consume(3000, 0, list_amount=4000), consume(0, 2000, list_amount=2600)]
        strict = terms(refund_fee_percent=20, consumed_pricing="list", bonus_policy="forfeit")
        self.check(
            [
                (reason, strict, rows, {"reason": reason}, 7000, 0, "clinic_at_fault")
                for reason in ("treatment_cancelled", "service_not_provided", "clinic_relocation_closure")
            ]
        )

    def test_bonus_policies(self):
        # 8,000 paid + 2,000 bonus; 4,000 consumed, bonus first: 2,000 bonus + 2,000 principal
        rows = [topup(8000, 2000), consume(2000, 2000)]
        self.check(
            [
                (
                    "forfeit: bonus consumed charged to principal",
                    terms(bonus_policy="forfeit"),
                    rows,
                    {},
                    4000,
                    0,
                    "standard",
                ),
                (
                    "prorata: 4,000 x 8/10 = 3,200 of principal",
                    terms(bonus_policy="prorata"),
                    rows,
                    {},
                    4800,
                    0,
                    "standard",
                ),
            ]
        )

    def test_consumption_orders_give_the_same_prorata_refund(self):
        # the order the clinic consumed in does not change what the member gets back under prorata
        prorata = terms(bonus_policy="prorata")
        self.check(
            [
                ("prorata order", prorata, [topup(6000, 1500), consume(2400, 600)], {}, 3600, 0, "standard"),
                ("principal first", prorata, [topup(6000, 1500), consume(3000, 0)], {}, 3600, 0, "standard"),
                ("bonus first", prorata, [topup(6000, 1500), consume(1500, 1500)], {}, 3600, 0, "standard"),
            ]
        )

    def test_pricing_modes(self):
        # a 3,000 package consumed at a member price of 2,400 (list 3,000)
        rows = [topup(5000), consume(2400, list_amount=3000)]
        self.check(
            [
                ("actual: what was charged", terms(consumed_pricing="actual"), rows, {}, 2600, 0, "standard"),
                ("list: the discount is taken back", terms(consumed_pricing="list"), rows, {}, 2000, 0, "standard"),
            ]
        )

    def test_fee_and_legal_cap(self):
        rows = [topup(10000), consume(2500)]
        self.check(
            [
                ("10% fee of the 7,500 left", terms(refund_fee_percent=10), rows, {}, 6750, 750, "standard"),
                (
                    "rounded once per line",
                    terms(refund_fee_percent=3.333),
                    [topup(1000), consume(1)],
                    {},
                    965.70,
                    33.30,
                    "standard",
                ),
                (
                    "a non-refundable clause is capped",
                    terms(refund_fee_percent=100),
                    rows,
                    {"fee_cap": 20},
                    6000,
                    1500,
                    "standard",
                ),
            ]
        )

    def test_zero_floor(self):
        # list repricing and forfeited bonus exceed the principal left: nothing, never negative
        rows = [topup(1000, 1000), consume(500, 1000, list_amount=2500)]
        result = quote(terms(consumed_pricing="list", bonus_policy="forfeit", refund_fee_percent=10), rows)
        self.assertEqual((result.amount_refundable, result.fee_amount), (0.0, 0.0))
        self.assertEqual(result.lines[-1].code, "floor")

    def test_refunds_already_paid_are_not_refunded_twice(self):
        rows = [topup(5000), consume(1000), LedgerRow("refund", -2000, 0), LedgerRow("fee", -200, 0)]
        self.check([("what is left after a partial refund", terms(), rows, {}, 1800, 0, "standard")])

    def test_reversed_consumption_counts_as_not_consumed(self):
        rows = [topup(3000), consume(500), LedgerRow("consume", 500, 0, 500)]  # a credit note gave it back
        self.check(
            [("back in cooling-off terms", terms(refund_fee_percent=10), rows, {"day": 3}, 3000, 0, "cooling_off")]
        )

    def test_list_repricing_under_prorata_splits_the_repriced_consumption(self):
        # 3,000 paid + 1,000 bonus; 2,000 charged for services listed at 2,400: the 400 difference is
        # split like the consumption, so the principal bears 300 of it (the consumer's reading).
        list_prorata = terms(consumed_pricing="list", bonus_policy="prorata")
        cases = [
            ("pro rata ledger", list_prorata, [topup(3000, 1000), consume(1500, 500, list_amount=2400)], {}, 1200, 0),
            ("principal first", list_prorata, [topup(3000, 1000), consume(2000, 0, list_amount=2400)], {}, 1200, 0),
            ("bonus first", list_prorata, [topup(3000, 1000), consume(1000, 1000, list_amount=2400)], {}, 1200, 0),
            (
                "list equals charge",
                list_prorata,
                [topup(3000, 1000), consume(1500, 500, list_amount=2000)],
                {},
                1500,
                0,
            ),
            ("list below charge", list_prorata, [topup(3000, 1000), consume(1500, 500, list_amount=1800)], {}, 1500, 0),
            (
                "with a 10% fee",
                terms(consumed_pricing="list", bonus_policy="prorata", refund_fee_percent=10),
                [topup(3000, 1000), consume(1500, 500, list_amount=2400)],
                {},
                1080,
                120,
            ),
            ("no bonus: all of it", list_prorata, [topup(4000), consume(2000, list_amount=2400)], {}, 1600, 0),
        ]
        self.check([(*case, "standard") for case in cases])
        result = quote(list_prorata, [topup(3000, 1000), consume(1500, 500, list_amount=2400)])
        line = next(line for line in result.lines if line.code == "list_price_prorata")
        self.assertEqual((line.amount, line.basis["difference"], line.basis["share"]), (-300.0, 400.0, 0.75))

    def test_list_repricing_to_the_cent(self):
        # odd amounts: 2,999.99 paid + 1,000.01 bonus; 1,234.57 charged, 1,500.00 at list price
        rows = [topup(2999.99, 1000.01), consume(925.93, 308.64, list_amount=1500.00)]
        result = quote(terms(consumed_pricing="list", bonus_policy="prorata"), rows)
        # share 0.7499975: 925.92 of the 1,234.57 consumed is principal (+0.01 re-split), and 199.07
        # of the 265.43 list difference; 2,074.06 unused + 0.01 - 199.07 = 1,875.00
        self.assertEqual(result.amount_refundable, 1875.00)
        self.assertEqual([line.amount for line in result.lines], [2074.06, -199.07, 0.01, 0.0])
        # the 691.36 of bonus left, less the 0.01 re-split to the principal, is said to lapse (never paid)
        self.assertEqual((result.lines[-1].code, result.lines[-1].basis["bonus"]), ("bonus_left", 691.36))

    def test_adjustments_count_as_value_put_in(self):
        # 100 paid + 100 bonus, then +100 principal by a manager: 300 consumed bonus first is all of it,
        # and nothing is left to refund (the quote can never exceed what the contract holds)
        rows = [topup(100, 100), LedgerRow("adjust", 100.0, 0.0), consume(200, 100)]
        self.assertEqual(quote(terms(bonus_policy="prorata"), rows).amount_refundable, 0.0)
        rows = [topup(100, 100), LedgerRow("adjust", 0.0, -50.0), consume(0, 50)]
        result = quote(terms(bonus_policy="prorata"), rows)
        # 150 given in all, two thirds of it principal: 50 consumed takes 33.33 of principal
        self.assertEqual(result.amount_refundable, 66.67)

    def test_packages_by_each_rule_to_the_cent(self):
        actual, listed = terms(), terms(consumed_pricing="list")
        prorata_list = terms(consumed_pricing="list", bonus_policy="prorata")
        with_fee = terms(consumed_pricing="list", refund_fee_percent=10)
        package = {"packages": (PHOTO,)}
        self.check(
            [
                # actual: unused sessions at the paid unit price
                ("actual, 2 used", actual, [topup(5000), session(2)], package, 3333.34, 0, "standard"),
                (
                    "actual, all used",
                    actual,
                    [topup(5000), session(5), session(1, unit=833.35)],
                    package,
                    0,
                    0,
                    "standard",
                ),
                # list: 2 x 1,980 = 3,960 against 1,666.66 paid: 2,293.34 deducted from the 3,333.34 left
                ("list, 2 used", listed, [topup(5000), session(2)], package, 1040.0, 0, "standard"),
                # list: 3 x 1,980 = 5,940; the deduction stops at the 2,500.01 left: never below zero
                ("list, 3 used, capped", listed, [topup(5000), session(3)], package, 0, 0, "standard"),
                # the cap is per package: the cash value (3,000) is not taken for the sessions' repricing
                ("list, cash untouched", listed, [topup(8000), session(3)], package, 3000.0, 0, "standard"),
                # a single-session price below the unit price deducts nothing
                (
                    "list below unit",
                    listed,
                    [topup(5000), session(2, list_unit=800.0)],
                    package,
                    3333.34,
                    0,
                    "standard",
                ),
                # sessions are principal only: with a bonus, pro rata splits the cash consumption alone
                (
                    "prorata, bonus untouched by sessions",
                    prorata_list,
                    [topup(8000, 1000), session(1), consume(1000, 0)],
                    package,
                    # unused 6,166.67; session repriced -1,146.67; cash: 1,000 used, 750 principal share,
                    # the ledger took 1,000: +250
                    5270.0,
                    0,
                    "standard",
                ),
                # the fee is taken on what remains, as for cash value
                ("fee after repricing", with_fee, [topup(5000), session(2)], package, 936.0, 104.0, "standard"),
                # credit note: a session given back is unused again
                (
                    "session given back",
                    listed,
                    [topup(5000), session(2), LedgerRow("consume", 833.33, 0.0, 1980.0, package="photo", sessions=1)],
                    package,
                    3020.0,
                    0,
                    "standard",
                ),
                # clinic at fault: unused sessions at the unit price, no repricing, no fee
                (
                    "clinic at fault",
                    with_fee,
                    [topup(5000), session(2)],
                    {**package, "reason": "service_not_provided"},
                    3333.34,
                    0,
                    "clinic_at_fault",
                ),
                # cooling-off: not once a session is used; before, the full principal
                (
                    "cooling-off, nothing used",
                    listed,
                    [topup(5000)],
                    {**package, "reason": "cooling_off", "day": 3},
                    5000.0,
                    0,
                    "cooling_off",
                ),
                (
                    "cooling-off, a session used",
                    listed,
                    [topup(5000), session(1)],
                    {**package, "reason": "cooling_off", "day": 3},
                    3020.0,
                    0,
                    "standard",
                ),
            ]
        )

    def test_package_breakdown_in_sessions(self):
        result = quote(terms(consumed_pricing="list"), [topup(8000), session(3)], packages=(PHOTO,))
        unused, repriced = result.lines[0], result.lines[1]
        self.assertEqual(
            unused.basis["packages"], [{"name": "光子嫩肤 6 次", "left": 3, "unit_price": 833.33, "value": 2500.01}]
        )
        self.assertEqual(repriced.code, "package_list_price")
        self.assertEqual(
            {key: repriced.basis[key] for key in ("sessions", "list_unit", "list", "charged", "capped")},
            {"sessions": 3, "list_unit": 1980.0, "list": 5940.0, "charged": 2499.99, "capped": True},
        )
