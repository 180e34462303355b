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

An unlimited time plan (年卡 / 月卡: ``kind = 'unlimited'``, unlimited sessions from ``date_start`` to
``date_end``, both included) has no sessions to price: its visits move no money, its price stays
principal set aside. On a refund (art. 22) it comes back pro rata to the time left after the contract
ends (the request date), or after the day the clinic stopped serving it (``date_stopped``) when that
is earlier; the time the member simply did not use is not refunded (art. 22 para. 3). The line
``unlimited_time_used`` deducts price x days elapsed / days of the plan, e.g. 3,650.00 for 365 days
ended after 100 days: 1,000.00 deducted, 2,650.00 back. It applies whatever the reason (what was
delivered is never refunded, art. 15), except a cooling-off refund of a plan never visited.

The 2025 interpretation on prepaid consumption (法释〔2025〕4号) adds, article by article:

- art. 14: each payment (top-up) asked back within seven days of the day it was paid comes back
  whole, without a reason and without a fee, unless the member had already received the same
  service when she signed (``payment_cooling_off_excluded``). Consumption is read as drawn from the
  older payments first (the reading that favours the member, art. 8), so the recent payments are
  set aside before the terms apply to the rest; a contract's own, longer cooling-off prevails;
- art. 13 para. 2 and art. 15 para. 2: a refund for a material change of health or for force
  majeure (``NO_FAULT``) prices what was delivered as art. 18 does (the discounted price, the bonus
  pro rata) and carries no fee; the fee is the clinic's claim of reasonable costs (art. 15), never
  on cooling-off, the clinic's fault or those reasons;
- arts. 15 to 17: the amount returned carries interest from the day the contract ends (the day the
  request reached the clinic) to the day it is paid, at the contract's rate, else the one-year LPR
  (the clinic's cause) or the one-year deposit benchmark (otherwise) in force at signing:
  ``interest_kind`` and ``compute_interest``.

Each line is rounded by the currency once, at its end.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from odoo.tools import float_compare, float_round

CLINIC_AT_FAULT = frozenset({"treatment_cancelled", "service_not_provided", "clinic_relocation_closure"})
# A contract a minor made without her guardian, voided at the guardian's request (art. 10): the prepayment
# comes back less what was delivered, at the price charged, with no fee.
VOID_MINOR = "minor_void"
# Neither party's fault: a change of circumstances (art. 13 para. 2) or force majeure (art. 15 para. 2).
NO_FAULT = frozenset({"health_changed", "force_majeure"})
STATUTORY_COOLING_OFF_DAYS = 7  # art. 14: seven days from the day of each payment


@dataclass(frozen=True)
class ContractTerms:
    date_signed: date
    cooling_off_days: int
    refund_fee_percent: float
    bonus_policy: str  # 'forfeit' | 'prorata'
    consumed_pricing: str  # 'actual' | 'list'
    # art. 14 (1) and (2): the member had the same service before signing (here, or declared elsewhere)
    payment_cooling_off_excluded: bool = False


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
    date: date = None  # the day of the row (of the row it reverses, for a reversal)


@dataclass(frozen=True)
class PackageTerms:
    """A treatment package bought under the contract: ``price`` for ``sessions`` at ``unit_price``."""

    key: object
    name: str
    sessions: int
    price: float
    unit_price: float
    kind: str = "sessions"  # 'sessions' | 'unlimited' (unlimited sessions from date_start to date_end)
    date_start: date = None
    date_end: date = None  # the last day of the plan, included
    date_stopped: date = None  # the day the clinic stopped serving the plan, if it did
    visits: int = 0  # visits of an unlimited plan (they move no money)


@dataclass
class RefundLine:
    code: str
    amount: float
    basis: dict = field(default_factory=dict)


@dataclass
class RefundQuote:
    rule: str  # 'cooling_off' | 'clinic_at_fault' | 'void' | 'no_fault' | 'standard'
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
        "balance_bonus": 0.0,
    }
    for row in rows:
        totals["balance_principal"] += row.amount_principal
        totals["balance_bonus"] += row.amount_bonus
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
    nothing_consumed = float_compare(consumed, 0.0, precision_rounding=rounding) <= 0 and not any(
        package.visits for package in packages if package.kind == "unlimited"
    )
    unused = _round(totals["balance_principal"], rounding)
    time_lines = _unlimited_time_lines(packages, request_date, rounding)
    time_used = sum(line.amount for line in time_lines)

    if in_cooling_off(terms, request_date) and nothing_consumed:
        lines = [RefundLine("cooling_off", unused, {"days": terms.cooling_off_days, "signed": terms.date_signed})]
        lines += _bonus_left_lines(totals["balance_bonus"], rounding)
        return RefundQuote("cooling_off", max(unused, 0.0), 0.0, lines)
    if reason in CLINIC_AT_FAULT:
        lines = [RefundLine("clinic_at_fault", unused, {"reason": reason}), *time_lines]
        lines += _bonus_left_lines(totals["balance_bonus"], rounding)
        return RefundQuote("clinic_at_fault", max(_round(unused + time_used, rounding), 0.0), 0.0, lines)
    if reason == VOID_MINOR:
        lines = [RefundLine("minor_void", unused, {"paid": totals["paid"]}), *time_lines]
        lines += _bonus_left_lines(totals["balance_bonus"], rounding)
        return RefundQuote("void", max(_round(unused + time_used, rounding), 0.0), 0.0, lines)
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

    payments = recent_payments(terms, rows, request_date)
    recent = _round(min(sum(payment["amount"] for payment in payments), max(unused, 0.0)), rounding)
    lines = []
    if float_compare(recent, 0.0, precision_rounding=rounding) > 0:
        basis = {"days": STATUTORY_COOLING_OFF_DAYS, "payments": payments}
        lines.append(RefundLine("cooling_off_payments", recent, basis))
    else:
        recent = 0.0
    older = [
        RefundLine(
            "unused_principal",
            _round(unused - recent, rounding),
            _unused_basis(totals, packages, usage, rounding, recent),
        ),
        *time_lines,
    ]
    no_fault = reason in NO_FAULT
    if terms.consumed_pricing == "list" and not no_fault:
        older += _package_list_price_lines(packages, usage, rounding)
        older += _list_price_lines(terms, totals, rounding)
    older.append(_bonus_line("prorata" if no_fault else terms.bonus_policy, totals, rounding))
    subtotal = max(_round(sum(line.amount for line in older), rounding), 0.0)
    if float_compare(subtotal, sum(line.amount for line in older), precision_rounding=rounding) != 0:
        older.append(RefundLine("floor", _round(subtotal - sum(line.amount for line in older), rounding), {}))
    lines += older
    resplit = sum(line.amount for line in older if line.code == "bonus_prorata" and line.amount > 0)
    lines += _bonus_left_lines(totals["balance_bonus"] - resplit, rounding)
    fee_percent = 0.0 if no_fault else min(terms.refund_fee_percent, fee_cap_percent)
    fee = _round(subtotal * fee_percent / 100.0, rounding)
    if fee:
        lines.append(
            RefundLine(
                "fee",
                -fee,
                {"percent": fee_percent, "base": subtotal, "capped": fee_percent < terms.refund_fee_percent},
            )
        )
    rule = "no_fault" if no_fault else "standard"
    return RefundQuote(rule, _round(recent + subtotal - fee, rounding), fee, lines, notes)


def _bonus_left_lines(bonus_left, rounding):
    """The bonus still on the card is a gift that lapses with the contract: said, never paid (0.00)."""
    bonus_left = _round(bonus_left, rounding)
    if float_compare(bonus_left, 0.0, precision_rounding=rounding) <= 0:
        return []
    return [RefundLine("bonus_left", 0.0, {"bonus": bonus_left})]


def recent_payments(terms, rows, request_date):
    """The payments (top-ups) asked back within seven days of the day each was paid (art. 14), with
    their principal net of any reversal; none when the member had the same service before signing."""
    if terms.payment_cooling_off_excluded:
        return []
    since = request_date - timedelta(days=STATUTORY_COOLING_OFF_DAYS)
    by_date = {}
    for row in rows:
        if row.move_type == "topup" and row.date and since <= row.date <= request_date:
            by_date[row.date] = by_date.get(row.date, 0.0) + row.amount_principal
    return [{"date": day, "amount": amount} for day, amount in sorted(by_date.items()) if amount > 0]


def interest_kind(reason, agreed_rate):
    """Which rate a refund's interest runs at (art. 16): the contract's, else by whose cause it is."""
    if agreed_rate:
        return "agreed"
    return "lpr" if reason in CLINIC_AT_FAULT or reason == VOID_MINOR else "deposit"


def compute_interest(amount, annual_rate_percent, date_from, date_to, rounding):
    """(days, interest) on ``amount`` from ``date_from`` to ``date_to`` at a yearly rate, actual/365
    (arts. 15 to 17); no interest before the contract ends."""
    days = max((date_to - date_from).days, 0)
    return days, _round(amount * annual_rate_percent / 100.0 * days / 365.0, rounding)


def _unlimited_time_lines(packages, request_date, rounding):
    """The time of each unlimited plan that ran before the contract ended (the request date) or the
    clinic stopped serving it, whichever is earlier: price x days elapsed / days of the plan (art. 22)."""
    lines = []
    for package in packages:
        if package.kind != "unlimited" or not package.date_start or not package.date_end:
            continue
        total = (package.date_end - package.date_start).days + 1
        until = min(request_date, package.date_stopped or request_date, package.date_end + timedelta(days=1))
        elapsed = min(max((until - package.date_start).days, 0), total)
        deduction = _round(min(package.price * elapsed / total, package.price), rounding) if total > 0 else 0.0
        stopped = bool(package.date_stopped and package.date_stopped < request_date and until == package.date_stopped)
        basis = {
            "key": package.key,
            "package": package.name,
            "price": package.price,
            "start": package.date_start,
            "end": package.date_end,
            "until": until,
            "stopped": stopped,
            "elapsed": elapsed,
            "total": total,
            "left": total - elapsed,
        }
        lines.append(RefundLine("unlimited_time_used", -deduction or 0.0, basis))
    return lines


def _unused_basis(totals, packages, usage, rounding, recent=0.0):
    basis = {"paid": totals["paid"], "recent": recent}
    packages = [package for package in packages if package.kind != "unlimited"]
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


def _bonus_line(bonus_policy, totals, rounding):
    if bonus_policy == "forfeit":
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

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value.isoformat() if isinstance(value, date) else value

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
