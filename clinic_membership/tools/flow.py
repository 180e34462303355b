"""The mark of the clinic's own flows.

Ledger rows, workflow states, reviews and derived member fields are written only by the
application's flows (top-up, payment, refund, enrolment, evaluation...), never directly by a
client. A flow runs its writes in an environment carrying this module's token: an object that
lives in the server process only, so that no RPC context (plain JSON) can ever carry it.
"""

_FLOW_TOKEN = object()
_CONTEXT_KEY = "clinic_flow"
# The only keys of the caller's context a flow keeps: a client's other keys (default values,
# switches of Odoo's own checks) never reach what a flow writes.
_KEPT_KEYS = ("lang", "tz", "allowed_company_ids", "active_test")


def as_flow(records):
    """``records`` in an environment whose writes are those of a clinic flow."""
    if in_flow(records.env):
        return records
    context = {key: records.env.context[key] for key in _KEPT_KEYS if key in records.env.context}
    return records.with_env(records.env(context={**context, _CONTEXT_KEY: _FLOW_TOKEN}))


def in_flow(env):
    """Whether ``env`` runs a clinic flow (never true for a client's call, whatever its context)."""
    return env.context.get(_CONTEXT_KEY) is _FLOW_TOKEN


def check_flow_fields(records, vals, field_names):
    """Refuse, outside a flow, to write any of ``field_names`` (what the clinic's processes set)."""
    touched = sorted(set(vals) & set(field_names))
    if touched and not in_flow(records.env):
        refuse_direct_write(records, touched)


def refuse_direct_write(records, field_names):
    """The clean refusal of a write or create of fields that only the clinic's flows set."""
    from odoo.exceptions import AccessError  # noqa: PLC0415  (tools stay importable without the ORM)

    labels = ", ".join(records._fields[name]._description_string(records.env) for name in field_names)
    raise AccessError(
        records.env._(
            "%(fields)s of %(model)s only change through its actions, never directly.",
            fields=labels,
            model=records._description,
        )
    )
