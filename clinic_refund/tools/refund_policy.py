"""The refund policy engine: what a prepaid contract refunds, line by line, and why.

A pure function of the contract's terms, its stored-value ledger, the refund reason and the
request date: no database, no clock. Rules (DESIGN.md, "Refund policy engine"):

1. Cooling-off: requested within ``cooling_off_days`` of signing (the last day included) and
   nothing consumed: the full principal, no fee.
2. Clinic at fault (treatment cancelled by the clinic, service not provided, relocation or
   closure): the unused principal, no fee, no repricing (条例 art. 22).
3. Otherwise: the unused principal; minus the list-price difference of what was consumed
   (``consumed_pricing = list``, list value and charge compared without tax); minus the bonus
   consumed (``bonus_policy = forfeit``) or re-split so that consumption took principal and
   bonus in proportion P/(P+B) (``bonus_policy = prorata``: the repriced consumption is what is
   split, so only the principal's share of the list difference is charged to the principal,
   the reading of the terms that favours the consumer, 民法典 art. 498); never below zero;
   then the fee percent of what remains, the fee capped by the legal maximum so that a
   "non-refundable" clause cannot take the unused principal below the legal floor.

Treatment packages (疗程卡) are principal set aside for their sessions: the sessions used are
paid at the package's unit price, so the unused ones are part of the unused principal at that
price. With ``consumed_pricing = list``, the sessions used are repriced at the single-session
list price, package by package, the deduction never more than what is left of that package's
price (a course's repricing never takes the member's cash value). Sessions are paid from
principal only: packages stay out of the bonus rules and of the pro rata share P / (P + B).

Each line is rounded by the currency once, at its end.
"""

from dataclasses import dataclass, field
from datetime import date

from odoo.tools import float_compare, float_round

CLINIC_AT_FAULT = frozenset({"treatment_cancelled", "service_not_provided", "clinic_relocation_closure"})


@dataclass(frozen=True)
class ContractTerms:
    date_signed: date
    cooling_off_days: int
    refund_fee_percent: float
    bonus_policy: str  # 'forfeit' | 'prorata'
    consumed_pricing: str  # 'actual' | 'list'


@dataclass(frozen=True)
class LedgerRow:
    """One stored-value row; a reversal row carries the type of the row it reverses.

    ``list_amount`` is, for consumption, the value of the consumed services at list price
    (signed like the consumption: negative, positive for its reversal).
    """

    move_type: str
    amount_principal: float
    amount_bonus: float
    list_amount: float = 0.0
    package: object = None  # the key of the package whose sessions the row paid (or gave back)
    sessions: int = 0  # sessions paid (negative) or given back (positive)


@dataclass(frozen=True)
class PackageTerms:
    """A treatment package bought under the contract: ``price`` for ``sessions`` at ``unit_price``."""

    key: object
    name: str
    sessions: int
    price: float
    unit_price: float


@dataclass
class RefundLine:
    code: str
    amount: float
    basis: dict = field(default_factory=dict)


@dataclass
class RefundQuote:
    rule: str  # 'cooling_off' | 'clinic_at_fault' | 'standard'
    amount_refundable: float
    fee_amount: float
    lines: list
    # Why the rule asked for did not apply: ('cooling_off_missed', {...}) when a cooling-off refund
    # was asked too late or after services were used.
    notes: list = field(default_factory=list)


def _round(amount, rounding):
    return float_round(amount, precision_rounding=rounding)


def _ledger_totals(rows, packages=()):
    totals = {
        "paid": 0.0,
        "packages_price": sum(package.price for package in packages),
        "consumed_packages": 0.0,
        "bonus_given": 0.0,
        "consumed_principal": 0.0,
        "consumed_bonus": 0.0,
        "consumed_list": 0.0,
        "balance_principal": 0.0,
    }
    for row in rows:
        totals["balance_principal"] += row.amount_principal
        if row.move_type in ("topup", "opening", "adjust"):
            # an opening balance brought over from a previous system is what was paid in there; a
            # manager's adjustment puts value in (or takes it out) like a top-up: the pro rata
            # share P / (P + B) is that of all the value the member was given
            totals["paid"] += row.amount_principal
            totals["bonus_given"] += row.amount_bonus
        elif row.move_type == "consume" and row.package is not None:
            totals["consumed_packages"] -= row.amount_principal + row.amount_bonus
        elif row.move_type == "consume":
            totals["consumed_principal"] -= row.amount_principal
            totals["consumed_bonus"] -= row.amount_bonus
            totals["consumed_list"] -= row.list_amount
    # what was paid for anything else than the packages: the base of the pro rata share
    totals["paid_cash"] = max(totals["paid"] - totals["packages_price"], 0.0)
    return totals


def _package_usage(rows, packages):
    """{key: (sessions used, value charged, list value)} of each package, reversals netted."""
    usage = {package.key: [0, 0.0, 0.0] for package in packages}
    for row in rows:
        if row.move_type == "consume" and row.package in usage:
            used = usage[row.package]
            used[0] -= row.sessions
            used[1] -= row.amount_principal + row.amount_bonus
            used[2] -= row.list_amount
    return usage


def in_cooling_off(terms, request_date):
    """Day 0 is the signing day; the request is in time up to and including day N."""
    return 0 <= (request_date - terms.date_signed).days <= terms.cooling_off_days


def compute_refund(terms, rows, *, reason, request_date, rounding, fee_cap_percent=100.0, packages=()):
    """The refund of a contract with ``terms``, ledger ``rows`` and treatment ``packages``
    (see the module docstring)."""
    totals = _ledger_totals(rows, packages)
    usage = _package_usage(rows, packages)
    consumed = totals["consumed_principal"] + totals["consumed_bonus"] + totals["consumed_packages"]
    nothing_consumed = float_compare(consumed, 0.0, precision_rounding=rounding) <= 0
    unused = _round(totals["balance_principal"], rounding)

    if in_cooling_off(terms, request_date) and nothing_consumed:
        lines = [RefundLine("cooling_off", unused, {"days": terms.cooling_off_days, "signed": terms.date_signed})]
        return RefundQuote("cooling_off", max(unused, 0.0), 0.0, lines)
    if reason in CLINIC_AT_FAULT:
        lines = [RefundLine("clinic_at_fault", unused, {"reason": reason})]
        return RefundQuote("clinic_at_fault", max(unused, 0.0), 0.0, lines)
    notes = []
    if reason == "cooling_off":
        days = (request_date - terms.date_signed).days
        notes.append(
            (
                "cooling_off_missed",
                {
                    "days": days,
                    "limit": terms.cooling_off_days,
                    "too_late": days > terms.cooling_off_days,
                    "consumed": 0.0 if nothing_consumed else _round(consumed, rounding),
                },
            )
        )

    lines = [RefundLine("unused_principal", unused, _unused_basis(totals, packages, usage, rounding))]
    if terms.consumed_pricing == "list":
        lines += _package_list_price_lines(packages, usage, rounding)
        lines += _list_price_lines(terms, totals, rounding)
    lines.append(_bonus_line(terms, totals, rounding))
    subtotal = max(_round(sum(line.amount for line in lines), rounding), 0.0)
    if float_compare(subtotal, sum(line.amount for line in lines), precision_rounding=rounding) != 0:
        lines.append(RefundLine("floor", _round(subtotal - sum(line.amount for line in lines), rounding), {}))
    fee_percent = min(terms.refund_fee_percent, fee_cap_percent)
    fee = _round(subtotal * fee_percent / 100.0, rounding)
    if fee:
        lines.append(
            RefundLine(
                "fee",
                -fee,
                {"percent": fee_percent, "base": subtotal, "capped": fee_percent < terms.refund_fee_percent},
            )
        )
    return RefundQuote("standard", _round(subtotal - fee, rounding), fee, lines, notes)


def _unused_basis(totals, packages, usage, rounding):
    basis = {"paid": totals["paid"]}
    if packages:
        basis["packages"] = [
            {
                "name": package.name,
                "left": package.sessions - usage[package.key][0],
                "unit_price": package.unit_price,
                "value": _round(package.price - usage[package.key][1], rounding),
            }
            for package in packages
        ]
    return basis


def _package_list_price_lines(packages, usage, rounding):
    """Sessions used, repriced at the single-session list price, package by package; never more
    than what is left of the package's price."""
    lines = []
    for package in packages:
        used, charged, listed = usage[package.key]
        if used <= 0:
            continue
        difference = max(listed - charged, 0.0)
        deduction = min(difference, max(package.price - charged, 0.0))
        if float_compare(deduction, 0.0, precision_rounding=rounding) <= 0:
            continue
        basis = {
            "package": package.name,
            "sessions": used,
            "list_unit": _round(listed / used, rounding),
            "list": _round(listed, rounding),
            "charged": _round(charged, rounding),
            "difference": _round(difference, rounding),
            "capped": float_compare(deduction, difference, precision_rounding=rounding) < 0,
        }
        lines.append(RefundLine("package_list_price", -_round(deduction, rounding), basis))
    return lines


def _principal_share(totals):
    """P / (P + B): the part of each unit of stored value that was paid for (packages aside)."""
    paid, bonus = totals["paid_cash"], totals["bonus_given"]
    return paid / (paid + bonus) if paid + bonus else 1.0


def _list_price_lines(terms, totals, rounding):
    """The list-price difference of what was consumed; under pro rata, the principal's share of it."""
    consumed = totals["consumed_principal"] + totals["consumed_bonus"]
    difference = max(totals["consumed_list"] - consumed, 0.0)
    if float_compare(difference, 0.0, precision_rounding=rounding) <= 0:
        return []
    basis = {"list": totals["consumed_list"], "charged": consumed, "difference": _round(difference, rounding)}
    if terms.bonus_policy == "prorata":
        share = _principal_share(totals)
        basis.update({"share": share, "paid": totals["paid_cash"], "bonus": totals["bonus_given"]})
        return [RefundLine("list_price_prorata", -_round(difference * share, rounding), basis)]
    return [RefundLine("list_price", -_round(difference, rounding), basis)]


def _bonus_line(terms, totals, rounding):
    if terms.bonus_policy == "forfeit":
        return RefundLine(
            "bonus_forfeit",
            -_round(totals["consumed_bonus"], rounding) or 0.0,
            {"bonus_consumed": totals["consumed_bonus"]},
        )
    paid, bonus = totals["paid_cash"], totals["bonus_given"]
    consumed = totals["consumed_principal"] + totals["consumed_bonus"]
    principal_share = _round(consumed * _principal_share(totals), rounding)
    return RefundLine(
        "bonus_prorata",
        _round(totals["consumed_principal"] - principal_share, rounding),
        {"consumed": consumed, "paid": paid, "bonus": bonus, "principal_consumed": principal_share},
    )


def quote_to_data(quote):
    """The quote as JSON-ready data (dates as ISO strings): what a request stores when it is made."""

    def plain(basis):
        return {key: value.isoformat() if isinstance(value, date) else value for key, value in basis.items()}

    return {
        "rule": quote.rule,
        "amount_refundable": quote.amount_refundable,
        "fee_amount": quote.fee_amount,
        "lines": [{"code": line.code, "amount": line.amount, "basis": plain(line.basis)} for line in quote.lines],
        "notes": [[code, plain(basis)] for code, basis in quote.notes],
    }


def quote_from_data(data):
    return RefundQuote(
        data["rule"],
        data["amount_refundable"],
        data["fee_amount"],
        [RefundLine(line["code"], line["amount"], line["basis"]) for line in data["lines"]],
        [tuple(note) for note in data.get("notes", [])],
    )
