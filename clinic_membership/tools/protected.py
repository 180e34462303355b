"""Fields that only the application writes, in Odoo's own idiom.

A user's call (a form, JSON-RPC, an import, whatever its context) runs without privilege; the
application's actions raise it with ``sudo()`` to write what they own (states, ledger rows,
derived member fields), and say why in their docstring. So a protected field is refused on a
user's ``create``/``write`` and accepted from code running ``sudo()``, which no client can reach.
"""


def check_protected_fields(records, vals, field_names):
    """Refuse a user's ``create``/``write`` of any of ``field_names`` (what the application sets)."""
    touched = sorted(set(vals) & set(field_names))
    if touched and not records.env.su:
        refuse_direct_write(records, touched)


def refuse_direct_write(records, field_names):
    """The clean refusal of a write or create of fields that only the application's actions set."""
    from odoo.exceptions import AccessError  # noqa: PLC0415  (tools stay importable without the ORM)

    labels = ", ".join(records._fields[name]._description_string(records.env) for name in field_names)
    raise AccessError(
        records.env._(
            "%(fields)s of %(model)s only change through its actions, never directly.",
            fields=labels,
            model=records._description,
        )
    )
